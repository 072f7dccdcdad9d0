#include "server/server_flags.h"

#include <tuple>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "server/private_file.h"

ABSL_FLAG(std::string, data_dir, "./data",
          "Directory of the database (created if missing).");
ABSL_FLAG(std::string, listen, "127.0.0.1:7070",
          "Address to serve gRPC on, host:port (0.0.0.0:7070 for all "
          "interfaces).");
ABSL_FLAG(uint32_t, node_id, 1,
          "Id of this server (1 to 2^32-1), stamped on every commit as its "
          "origin; must differ between servers that replicate.");
ABSL_FLAG(std::string, durability, "sync",
          "sync: acknowledge a write after fdatasync; async: after the "
          "write, with fdatasync every --async_sync_interval_ms.");
ABSL_FLAG(uint32_t, async_sync_interval_ms, 20,
          "In async durability, the longest time a write waits for "
          "fdatasync.");
ABSL_FLAG(uint64_t, block_cache_mb, 256,
          "Memory for cached segment blocks, in MiB.");
ABSL_FLAG(uint64_t, graph_cache_mb, 128,
          "Memory for stored edges and node index entries that graph reads "
          "looked up, in MiB; 0 turns it off.");
ABSL_FLAG(std::string, segment_compression, "zstd",
          "Compression of segment file blocks written from now on: zstd "
          "(smallest files), lz4 (a little faster to read from disk) or "
          "none.");
ABSL_FLAG(uint64_t, memtable_mb, 64,
          "Memtable size that triggers sealing into segment files, in MiB.");
ABSL_FLAG(uint64_t, max_value_kb, 4096, "Largest value accepted, in KiB.");
ABSL_FLAG(uint64_t, retention_revisions, 0,
          "History retention: compaction keeps every version newer than the "
          "current revision minus this (plus the newest older one); 0 keeps "
          "all history.");
ABSL_FLAG(std::string, log_level, "info",
          "Log level: trace, debug, info, warn, error.");
ABSL_FLAG(std::string, log_format, "text",
          "Log lines on stderr: text (for people) or json (one object per "
          "line with time, level, logger and msg, for log collectors).");
ABSL_FLAG(uint64_t, shutdown_grace_ms, 10'000,
          "On SIGTERM or SIGINT, how long calls in flight may take to finish "
          "(new calls are refused at once); what still runs after it is "
          "cancelled. Idle connections are not waited for.");
ABSL_FLAG(uint64_t, max_message_mb, 64,
          "Largest gRPC request or response message, in MiB.");
ABSL_FLAG(std::vector<std::string>, peer, {},
          "A server to replicate from, HOST:PORT; repeat the flag (or give a "
          "comma-separated list) for several. Each peer's changes are pulled "
          "and applied with last-writer-wins; give each server its own "
          "--node_id.");
ABSL_FLAG(uint64_t, replication_retention_revisions, 10'000'000,
          "The WAL kept for subscribers that have not acknowledged it spans "
          "at most this many revisions below the current one; a subscriber "
          "further behind must resynchronise from a full copy.");
ABSL_FLAG(uint64_t, max_clock_skew_ms, 60'000,
          "Refuse replicated changes stamped more than this many ms ahead "
          "of this server's clock (the peer's status shows the error until "
          "the clocks agree); 0 turns the check off.");
ABSL_FLAG(uint64_t, slow_request_ms, 1000,
          "Log every rpc that takes longer than this, in ms (a stream until "
          "its final status), at warn level with its method, duration, "
          "status code and peer; 0 turns the log off.");
ABSL_FLAG(std::string, unknown_edge_labels, "allow",
          "An edge whose kind is not declared (Graph.DeclareKind), or whose "
          "endpoint has a role its kind does not declare: allow (written), "
          "warn (written, with a warning in the log) or reject "
          "(INVALID_ARGUMENT naming the field).");
ABSL_FLAG(bool, reject_dangling_edges, false,
          "Refuse an edge one of whose endpoints has no live record on the "
          "branch written to.");
ABSL_FLAG(uint64_t, max_edge_endpoints, 1024,
          "Most endpoints of one edge (at least 2).");
ABSL_FLAG(uint64_t, max_edge_property_bytes, 1 << 20,
          "Largest properties (keys and values) plus payload of one edge, in "
          "bytes; at most the largest value (--max_value_kb), which holds the "
          "whole edge.");
ABSL_FLAG(uint64_t, max_edge_label_bytes, 256,
          "Longest edge kind and endpoint role, in bytes (1 to 65536).");
ABSL_FLAG(std::string, restore_from, "",
          "Restore this backup file (infdb-cli snapshot save) into --data-dir "
          "(missing or empty), then exit.");
ABSL_FLAG(std::vector<std::string>, restore_base, {},
          "With --restore-from an incremental backup: its full backup, then "
          "each incremental one up to it, comma-separated.");
ABSL_FLAG(std::string, cert_file, "",
          "TLS: the server's certificate chain (PEM); with --key-file. "
          "Unset: plaintext.");
ABSL_FLAG(std::string, key_file, "",
          "TLS: the private key of --cert-file (PEM, unencrypted).");
ABSL_FLAG(std::string, trusted_ca_file, "",
          "TLS: the CA certificates that sign client certificates (PEM).");
ABSL_FLAG(bool, client_cert_auth, false,
          "TLS: require a client certificate signed by --trusted-ca-file.");
ABSL_FLAG(std::string, peer_trusted_ca_file, "",
          "TLS to the --peer servers: the CA that signs their certificates "
          "(PEM; unset with other --peer-* flags: the system's CAs).");
ABSL_FLAG(std::string, peer_cert_file, "",
          "TLS to the --peer servers: the client certificate to present.");
ABSL_FLAG(std::string, peer_key_file, "",
          "TLS to the --peer servers: the private key of --peer-cert-file.");
ABSL_FLAG(absl::Duration, auth_token_ttl, absl::Minutes(10),
          "Auth: how long a token from Authenticate lasts (e.g. 10m, 1h).");
ABSL_FLAG(std::string, auth_token_key_file, "",
          "Auth: the key (32 or more bytes) that signs tokens; servers that "
          "share it accept each other's tokens. Default: DATA_DIR/token.key, "
          "made at the first start.");
ABSL_FLAG(bool, reflection, true,
          "Serve the gRPC reflection service (open to every caller; it lists "
          "the rpcs, not data).");
ABSL_FLAG(std::string, peer_user, "",
          "Auth to the --peer servers: the user to authenticate as (it needs "
          "the replicate permission there), with --peer-password-file or a "
          "--peer-cert-file whose Common Name is the user.");
ABSL_FLAG(std::string, peer_password_file, "",
          "Auth to the --peer servers: a file holding --peer-user's password.");

namespace infinitedb::server {
namespace {

// The auth flags.
absl::StatusOr<AuthConfig> AuthConfigFromFlags() {
  AuthConfig auth;
  const absl::Duration ttl = absl::GetFlag(FLAGS_auth_token_ttl);
  if (ttl < absl::Seconds(1) || ttl > absl::Hours(24 * 365)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--auth-token-ttl: %s is not between 1s and a year",
                        absl::FormatDuration(ttl)));
  }
  auth.token_ttl = std::chrono::seconds(absl::ToInt64Seconds(ttl));
  auth.token_key_file = absl::GetFlag(FLAGS_auth_token_key_file);
  auth.reflection = absl::GetFlag(FLAGS_reflection);
  auth.peer_user = absl::GetFlag(FLAGS_peer_user);
  const std::string password_file = absl::GetFlag(FLAGS_peer_password_file);
  if (!password_file.empty()) {
    if (auth.peer_user.empty()) {
      return absl::InvalidArgumentError(
          "--peer-password-file: needs --peer-user");
    }
    absl::StatusOr<std::string> password =
        ReadFlagFile(password_file, "--peer-password-file");
    if (!password.ok()) return password.status();
    // One line: a trailing newline is not part of the password.
    while (!password->empty() &&
           (password->back() == '\n' || password->back() == '\r')) {
      password->pop_back();
    }
    auth.peer_password = std::move(*password);
  }
  return auth;
}

// Labels are repeated in every index entry of an edge: this bounds the
// largest --max_edge_label_bytes.
constexpr uint64_t kEdgeLabelBytesFlagMax = 64 << 10;

bool IsLogLevel(const std::string& level) {
  for (const char* known : {"trace", "debug", "info", "warn", "error"}) {
    if (level == known) return true;
  }
  return false;
}

bool ParseUnknownLabelPolicy(const std::string& name,
                             UnknownLabelPolicy* policy) {
  if (name == "allow") {
    *policy = UnknownLabelPolicy::kAllow;
  } else if (name == "warn") {
    *policy = UnknownLabelPolicy::kWarn;
  } else if (name == "reject") {
    *policy = UnknownLabelPolicy::kReject;
  } else {
    return false;
  }
  return true;
}

constexpr uint64_t kCacheMbFlagMax = uint64_t{1} << 20;
constexpr uint64_t kShutdownGraceMsMax = 3'600'000;

// The graph's flags; needs engine.max_value_bytes and max_batch_mutations.
absl::Status GraphOptionsFromFlags(EngineOptions& engine) {
  const std::string policy = absl::GetFlag(FLAGS_unknown_edge_labels);
  if (!ParseUnknownLabelPolicy(policy, &engine.unknown_edge_labels)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--unknown_edge_labels: '%s' is not allow, warn or reject", policy));
  }
  engine.reject_dangling_edges = absl::GetFlag(FLAGS_reject_dangling_edges);
  // Every endpoint is an index entry in the edge's commit.
  const uint64_t endpoints = absl::GetFlag(FLAGS_max_edge_endpoints);
  if (endpoints < 2 || endpoints > engine.max_batch_mutations / 2) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--max_edge_endpoints: %d is not from 2 to %d",
                        endpoints, engine.max_batch_mutations / 2));
  }
  engine.max_edge_endpoints = endpoints;
  const uint64_t property_bytes = absl::GetFlag(FLAGS_max_edge_property_bytes);
  if (property_bytes > engine.max_value_bytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--max_edge_property_bytes: %d is more than the largest value, %d "
        "bytes (--max_value_kb), which holds the whole edge",
        property_bytes, engine.max_value_bytes));
  }
  engine.max_edge_property_bytes = property_bytes;
  const uint64_t label_bytes = absl::GetFlag(FLAGS_max_edge_label_bytes);
  if (label_bytes < 1 || label_bytes > kEdgeLabelBytesFlagMax) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--max_edge_label_bytes: %d is not from 1 to %d",
                        label_bytes, kEdgeLabelBytesFlagMax));
  }
  engine.max_edge_label_bytes = label_bytes;
  return absl::OkStatus();
}

// Every flag that becomes an engine option.
absl::Status EngineOptionsFromFlags(EngineOptions& engine) {
  engine.data_dir = absl::GetFlag(FLAGS_data_dir);
  engine.node_id = absl::GetFlag(FLAGS_node_id);
  if (engine.node_id == 0) {
    return absl::InvalidArgumentError("--node_id: must not be 0");
  }
  std::string durability = absl::GetFlag(FLAGS_durability);
  if (durability == "sync") {
    engine.durability = Durability::kSync;
  } else if (durability == "async") {
    engine.durability = Durability::kAsync;
  } else {
    return absl::InvalidArgumentError(
        absl::StrFormat("--durability: '%s' is not sync or async", durability));
  }
  engine.async_sync_interval_ms = absl::GetFlag(FLAGS_async_sync_interval_ms);
  for (auto [flag, name, bytes] :
       {std::tuple{&FLAGS_block_cache_mb, "block_cache_mb",
                   &engine.block_cache_bytes},
        std::tuple{&FLAGS_graph_cache_mb, "graph_cache_mb",
                   &engine.graph_cache_bytes}}) {
    const uint64_t mebibytes = absl::GetFlag(*flag);
    if (mebibytes > kCacheMbFlagMax) {
      return absl::InvalidArgumentError(
          absl::StrFormat("--%s: %d is more than %d (1 TiB)", name, mebibytes,
                          kCacheMbFlagMax));
    }
    *bytes = mebibytes << 20;
  }
  std::string compression = absl::GetFlag(FLAGS_segment_compression);
  if (!ParseSegmentCompression(compression, &engine.segment_compression)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--segment_compression: '%s' is not zstd, lz4 or none", compression));
  }
  engine.memtable_bytes_max = absl::GetFlag(FLAGS_memtable_mb) << 20;
  if (engine.memtable_bytes_max == 0) {
    return absl::InvalidArgumentError("--memtable_mb: must be at least 1");
  }
  engine.max_value_bytes = absl::GetFlag(FLAGS_max_value_kb) << 10;
  if (absl::Status s = GraphOptionsFromFlags(engine); !s.ok()) return s;
  engine.history_retention_revisions = absl::GetFlag(FLAGS_retention_revisions);
  engine.max_clock_skew_ms = absl::GetFlag(FLAGS_max_clock_skew_ms);
  engine.replication_retention_revisions =
      absl::GetFlag(FLAGS_replication_retention_revisions);
  if (engine.replication_retention_revisions == 0) {
    return absl::InvalidArgumentError(
        "--replication_retention_revisions: must be at least 1");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckListenAddress(const std::string& address) {
  size_t colon = address.rfind(':');
  uint32_t port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port > 65535) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--listen: '%s' is not HOST:PORT with a port from 0 to 65535",
        address));
  }
  return absl::OkStatus();
}

absl::StatusOr<ServerConfig> ConfigFromFlags() {
  ServerConfig config;
  if (absl::Status s = EngineOptionsFromFlags(config.engine); !s.ok()) {
    return s;
  }
  config.restore_from = absl::GetFlag(FLAGS_restore_from);
  for (const std::string& base : absl::GetFlag(FLAGS_restore_base)) {
    if (!base.empty()) config.restore_bases.push_back(base);
  }
  if (!config.restore_bases.empty() && config.restore_from.empty()) {
    return absl::InvalidArgumentError(
        "--restore-base: only with --restore-from");
  }
  config.listen = absl::GetFlag(FLAGS_listen);
  absl::Status listen = CheckListenAddress(config.listen);
  if (!listen.ok()) return listen;
  config.log_level = absl::GetFlag(FLAGS_log_level);
  if (!IsLogLevel(config.log_level)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--log_level: '%s' is not trace, debug, info, warn or error",
        config.log_level));
  }
  const std::string log_format = absl::GetFlag(FLAGS_log_format);
  if (log_format != "text" && log_format != "json") {
    return absl::InvalidArgumentError(
        absl::StrFormat("--log_format: '%s' is not text or json", log_format));
  }
  config.log_json = log_format == "json";
  const uint64_t grace_ms = absl::GetFlag(FLAGS_shutdown_grace_ms);
  if (grace_ms > kShutdownGraceMsMax) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--shutdown_grace_ms: %d is more than %d (an hour)",
                        grace_ms, kShutdownGraceMsMax));
  }
  config.shutdown_grace = std::chrono::milliseconds(grace_ms);
  config.max_message_bytes = absl::GetFlag(FLAGS_max_message_mb) << 20;
  config.slow_request_ms = absl::GetFlag(FLAGS_slow_request_ms);
  for (const std::string& peer : absl::GetFlag(FLAGS_peer)) {
    if (peer.empty()) continue;
    if (peer.rfind(':') == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrFormat("--peer: '%s' is not HOST:PORT", peer));
    }
    config.peers.push_back(peer);
  }
  config.tls = {absl::GetFlag(FLAGS_cert_file), absl::GetFlag(FLAGS_key_file),
                absl::GetFlag(FLAGS_trusted_ca_file),
                absl::GetFlag(FLAGS_client_cert_auth)};
  config.peer_tls = {absl::GetFlag(FLAGS_peer_cert_file),
                     absl::GetFlag(FLAGS_peer_key_file),
                     absl::GetFlag(FLAGS_peer_trusted_ca_file), false};
  if (config.peer_tls.cert_file.empty() != config.peer_tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--peer-cert-file and --peer-key-file: give both or neither");
  }
  absl::StatusOr<AuthConfig> auth = AuthConfigFromFlags();
  if (!auth.ok()) return auth.status();
  config.auth = std::move(*auth);
  if (config.max_message_bytes < config.engine.max_value_bytes + (1 << 16)) {
    return absl::InvalidArgumentError(
        "--max_message_mb: must leave room for the largest value");
  }
  return config;
}

}  // namespace infinitedb::server
