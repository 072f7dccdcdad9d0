// TLS for infdb-server's port (--cert-file, --key-file, --trusted-ca-file,
// --client-cert-auth) with certificates that change without a restart.
//
// The files are checked with OpenSSL (pem_check.h) and, when good, copied
// to DATA_DIR/tls/current/{cert,key,ca}.pem (`current` a symbolic link to
// a generation directory, switched whole), which gRPC's file watcher
// re-reads every second; new connections then get the new certificates and the
// open ones keep theirs. Reload() (on SIGHUP, and every 10 s) re-reads the
// flags' files: a file that fails the checks leaves the certificates in use
// in place, and the log says why.
#ifndef INFINITEDB_SERVER_SERVER_TLS_H_
#define INFINITEDB_SERVER_SERVER_TLS_H_

#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/pem_check.h"
#include "server/server_flags.h"

namespace infinitedb::server {

// InvalidArgument naming the flag when the combination cannot work (a
// certificate without its key, client certificates without a CA...).
absl::Status CheckTlsFlags(const TlsFiles& files);

// The PEM text of the files; errors name the flag.
absl::StatusOr<PemSet> ReadPemFiles(const TlsFiles& files);

class ServerTls {
 public:
  // Reads, checks and installs the files (errors name the flag); `data_dir`
  // receives the live copies.
  static absl::StatusOr<std::unique_ptr<ServerTls>> Open(
      const TlsFiles& files, const std::string& data_dir);

  std::shared_ptr<grpc::ServerCredentials> Credentials() const;

  // Re-reads the files. OK with "" when they are unchanged, OK with a
  // description when new certificates were installed; an error (why) when
  // they fail the checks and the ones in use stay.
  absl::StatusOr<std::string> Reload();

  // "TLS, client certificates required; CN=..., expires ..." for the log.
  std::string Describe() const;

 private:
  ServerTls(TlsFiles files, std::string live_dir)
      : files_(std::move(files)), live_dir_(std::move(live_dir)) {}
  absl::Status Install(const PemSet& pems) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const TlsFiles files_;
  const std::string live_dir_;
  mutable absl::Mutex mu_;
  PemSet installed_ ABSL_GUARDED_BY(mu_);
  std::string previous_generation_ ABSL_GUARDED_BY(mu_);  // gen-N
  std::shared_ptr<grpc::experimental::FileWatcherCertificateProvider> provider_;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_SERVER_TLS_H_
