// infdb-server's command-line flags (also readable from a file with
// --flagfile=PATH, one --flag=value per line) and their conversion to engine
// and server options.
#ifndef INFINITEDB_SERVER_SERVER_FLAGS_H_
#define INFINITEDB_SERVER_SERVER_FLAGS_H_

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/options.h"

namespace infinitedb::server {

// TLS certificate files (PEM). For the server's port: its certificate, key,
// and the CA that signs client certificates; for peer replication: the
// client certificate and key it presents and the CA it trusts.
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string trusted_ca_file;
  bool client_cert_auth = false;  // the port requires client certificates

  bool any() const {
    return !cert_file.empty() || !key_file.empty() || !trusted_ca_file.empty();
  }
};

// Authentication: tokens, and the user the peer replicators authenticate as.
struct AuthConfig {
  std::chrono::seconds token_ttl{600};
  std::string token_key_file;  // empty: DATA_DIR/token.key, made if missing
  bool reflection = true;      // the gRPC reflection service
  std::string peer_user;       // empty: the peers are called without a user
  std::string peer_password;   // read from --peer-password-file
};

struct ServerConfig {
  EngineOptions engine;
  std::string listen;     // host:port
  std::string log_level;  // trace debug info warn error
  bool log_json = false;  // JSON lines instead of text
  std::chrono::milliseconds shutdown_grace{10'000};  // for calls in flight
  size_t max_message_bytes = 0;    // largest gRPC message accepted
  uint64_t slow_request_ms = 0;    // rpcs slower than this are logged; 0 = off
  std::vector<std::string> peers;  // servers to replicate from, host:port
  TlsFiles tls;                    // none: plaintext
  TlsFiles peer_tls;               // none: plaintext to the peers
  AuthConfig auth;
  std::string restore_from;  // a backup file to restore, then exit
  std::vector<std::string> restore_bases;  // its bases, full one first
};

// Reads the parsed flags; InvalidArgument naming the flag when a value is
// out of range.
absl::StatusOr<ServerConfig> ConfigFromFlags();

// InvalidArgument naming --listen unless `address` is HOST:PORT with a port
// from 0 (any free one) to 65535.
absl::Status CheckListenAddress(const std::string& address);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_SERVER_FLAGS_H_
