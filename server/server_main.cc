// infdb-server: serves an InfiniteDB data directory over gRPC.
//
// Starts the engine (replaying its WAL), serves the Spaces, Records,
// Graph, Branches, Admin and Replication services plus the standard health
// service and server reflection, in plaintext or TLS (server_tls.h), pulls
// changes from every --peer, re-reads the TLS files on SIGHUP, and on
// SIGTERM or SIGINT stops replication, lets in-flight calls finish for up to
// --shutdown_grace_ms (graceful_shutdown.h), and closes the engine (making
// the WAL durable).
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "server/admin_service.h"
#include "server/auth_service.h"
#include "server/auth_store.h"
#include "server/auth_tokens.h"
#include "server/backup_restore.h"
#include "server/branches_service.h"
#include "server/call_auth.h"
#include "server/command_line.h"
#include "server/graceful_shutdown.h"
#include "server/graph_service.h"
#include "server/in_flight_calls.h"
#include "server/password_hash.h"
#include "server/peer_credentials.h"
#include "server/records_service.h"
#include "server/replication_service.h"
#include "server/server_flags.h"
#include "server/server_log.h"
#include "server/server_tls.h"
#include "server/slow_request_log.h"
#include "server/spaces_service.h"
#include "server/status_guard.h"
#include "server/version.h"
#include "spdlog/spdlog.h"

namespace infinitedb::server {
namespace {

// How often the TLS files are re-read without a SIGHUP.
constexpr auto kTlsRecheck = std::chrono::seconds(10);

// The port's credentials: TLS from the --cert-file flags, else plaintext.
struct PortSecurity {
  std::unique_ptr<ServerTls> tls;  // null: plaintext
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::string description;
};

absl::StatusOr<PortSecurity> SecurityFor(const ServerConfig& config) {
  PortSecurity security;
  if (absl::Status s = CheckTlsFlags(config.tls); !s.ok()) return s;
  if (config.tls.cert_file.empty()) {
    security.credentials = grpc::InsecureServerCredentials();
    security.description = "plaintext: no --cert-file";
    return security;
  }
  absl::StatusOr<std::unique_ptr<ServerTls>> tls =
      ServerTls::Open(config.tls, config.engine.data_dir);
  if (!tls.ok()) return tls.status();
  security.tls = std::move(*tls);
  security.credentials = security.tls->Credentials();
  security.description = security.tls->Describe();
  return security;
}

// Re-reads the TLS files and logs what came of it (a refusal once per
// distinct reason, or on every SIGHUP).
void ReloadTls(ServerTls& tls, bool asked, std::string& last_refusal) {
  absl::StatusOr<std::string> reloaded = tls.Reload();
  if (!reloaded.ok()) {
    const std::string why = std::string(reloaded.status().message());
    if (asked || why != last_refusal) {
      spdlog::warn(
          "TLS files not reloaded, keeping the certificates in use: {}", why);
    }
    last_refusal = why;
    return;
  }
  last_refusal.clear();
  if (!reloaded->empty()) {
    spdlog::info("TLS certificates reloaded: {}", *reloaded);
  } else if (asked) {
    spdlog::info("TLS files unchanged");
  }
}

// Waits for SIGTERM or SIGINT; SIGHUP (and every kTlsRecheck) re-reads the
// TLS files meanwhile. Returns the signal.
int WaitForShutdownSignal(ServerTls* tls) {
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, signal);
  const timespec recheck{
      std::chrono::duration_cast<std::chrono::seconds>(kTlsRecheck).count(), 0};
  std::string last_refusal;
  while (true) {
    const int signal_number = sigtimedwait(&signals, nullptr, &recheck);
    if (signal_number == SIGTERM || signal_number == SIGINT) {
      return signal_number;
    }
    const bool asked = signal_number == SIGHUP;
    if (tls != nullptr) {
      ReloadTls(*tls, asked, last_refusal);
    } else if (asked) {
      spdlog::info("SIGHUP: no TLS files to reload (plaintext)");
    }
  }
}

// The interceptors of every call, in order: the status guard first (the
// slow request log then logs the status the client gets), the count of
// calls in flight last.
std::vector<
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
Interceptors(const ServerConfig& config, InFlightCalls& calls) {
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(NewStatusGuardFactory());
  for (auto& slow_log : SlowRequestLogInterceptors(config.slow_request_ms,
                                                   spdlog::default_logger())) {
    interceptors.push_back(std::move(slow_log));
  }
  interceptors.push_back(calls.NewFactory());
  return interceptors;
}

// The engine's services, for one server.
struct Services {
  explicit Services(ServiceContext* context)
      : spaces(context),
        records(context),
        graph(context),
        branches(context),
        admin(context),
        replication(context),
        auth(context) {}
  void RegisterWith(grpc::ServerBuilder& builder) {
    for (grpc::Service* service : std::initializer_list<grpc::Service*>{
             &spaces, &records, &graph, &branches, &admin, &replication,
             &auth}) {
      builder.RegisterService(service);
    }
  }
  SpacesService spaces;
  RecordsService records;
  GraphService graph;
  BranchesService branches;
  AdminService admin;
  ReplicationService replication;
  AuthService auth;
};

// Builds and starts the gRPC server on config.listen; null (logged) when
// the port cannot be had. `*port` receives the port.
std::unique_ptr<grpc::Server> StartServer(const ServerConfig& config,
                                          const PortSecurity& security,
                                          Services& services,
                                          InFlightCalls& calls, int* port) {
  grpc::EnableDefaultHealthCheckService(true);
  if (config.auth.reflection) {
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, security.credentials, port);
  // The port is this server's alone: with SO_REUSEPORT (gRPC's default) a
  // second server on another data directory would share it and split the
  // clients' calls between two databases.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(config.max_message_bytes));
  builder.experimental().SetInterceptorCreators(Interceptors(config, calls));
  services.RegisterWith(builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || *port == 0) {
    spdlog::error(
        "cannot listen on {}: the port is in use by another process, or the "
        "address is not one of this host's",
        config.listen);
    return nullptr;
  }
  return server;
}

// The replicators of the --peer servers.
absl::StatusOr<std::vector<std::unique_ptr<PeerReplicator>>> PeersFor(
    const ServerConfig& config, Engine* engine, AuthStore* auth) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      PeerChannelCredentials(config.peer_tls);
  if (!credentials.ok()) return credentials.status();
  std::vector<std::unique_ptr<PeerReplicator>> peers;
  for (const std::string& address : config.peers) {
    PeerReplicator::Auth peer_auth{
        config.auth.peer_user, config.auth.peer_password, [auth] {
          if (absl::Status s = auth->Reload(); !s.ok()) {
            spdlog::error("access-control records: {}",
                          std::string(s.message()));
          }
        }};
    peers.push_back(
        std::make_unique<PeerReplicator>(address, engine, config.engine.node_id,
                                         *credentials, std::move(peer_auth)));
  }
  return peers;
}

// --restore-from: restores the backup into --data-dir and exits.
int Restore(const ServerConfig& config) {
  absl::StatusOr<BackupHeader> restored = RestoreBackup(
      config.restore_from, config.restore_bases, config.engine.data_dir);
  if (!restored.ok()) {
    std::fprintf(stderr, "infdb-server: %s: %s\n",
                 absl::StatusCodeToString(restored.status().code()).c_str(),
                 std::string(restored.status().message()).c_str());
    return 1;
  }
  std::printf(
      "restored revision %llu of node %u (%u files) into %s; serve it with a "
      "--node-id of its own unless it replaces node %u\n",
      static_cast<unsigned long long>(restored->revision), restored->node_id,
      restored->file_count, config.engine.data_dir.c_str(), restored->node_id);
  return 0;
}

int Serve(const ServerConfig& config) {
  SetUpLogging(config.log_level, config.log_json);
  EngineOptions engine_options = config.engine;
  engine_options.env.logger = spdlog::default_logger();
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(engine_options);
  if (!engine.ok()) {
    spdlog::error("cannot open {}: {}", config.engine.data_dir,
                  engine.status().ToString());
    return 1;
  }
  absl::StatusOr<CursorSeal> cursors = CursorSeal::Open(config.engine.data_dir);
  absl::StatusOr<PortSecurity> security = SecurityFor(config);
  AuthStore auth_store(engine->get());
  absl::StatusOr<TokenSigner> signer = TokenSigner::Open(
      config.auth.token_key_file.empty() ? config.engine.data_dir + "/token.key"
                                         : config.auth.token_key_file,
      config.auth.token_key_file.empty());
  absl::StatusOr<std::vector<std::unique_ptr<PeerReplicator>>> peers =
      PeersFor(config, engine->get(), &auth_store);
  for (const absl::Status& status :
       {cursors.status(), security.status(), peers.status(), signer.status(),
        InitPasswordHashing(), auth_store.Reload()}) {
    if (!status.ok()) {
      spdlog::error("cannot start: {}", std::string(status.message()));
      return 1;
    }
  }
  ServiceContext context;
  context.engine = engine->get();
  context.cursors = &*cursors;
  CallAuth call_auth(&auth_store,
                     {&*signer, config.tls.client_cert_auth,
                      absl::Seconds(config.auth.token_ttl.count())});
  context.auth = &call_auth;
  context.node_id = config.engine.node_id;
  context.data_dir = config.engine.data_dir;
  context.durability =
      config.engine.durability == Durability::kSync ? "sync" : "async";
  context.started = std::chrono::steady_clock::now();
  SubscriberRegistry subscribers(engine->get(),
                                 config.engine.replication_retention_revisions);
  context.subscribers = &subscribers;
  for (auto& peer : *peers) context.sources.push_back(peer.get());
  Services services(&context);
  InFlightCalls calls;
  int port = 0;
  std::unique_ptr<grpc::Server> server =
      StartServer(config, *security, services, calls, &port);
  if (server == nullptr) return 1;
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  // Tests and scripts read this line to learn the port (--listen host:0).
  std::printf("infdb-server %s listening on %s:%d\n", kServerVersion,
              host.c_str(), port);
  std::fflush(stdout);
  spdlog::info(
      "serving {} on {}:{} (node {}, durability {}, revision {}, cache {} "
      "MiB; {}; auth {})",
      context.data_dir, host, port, context.node_id, context.durability,
      context.engine->CurrentRevision(), config.engine.block_cache_bytes >> 20,
      security->description,
      auth_store.view()->enabled ? "enabled" : "disabled");
  for (size_t i = 0; i < peers->size(); ++i) {
    spdlog::info("replicating from {}{}", config.peers[i],
                 config.peer_tls.any() ? " over TLS" : "");
    (*peers)[i]->Start();
  }

  const int signal_number = WaitForShutdownSignal(security->tls.get());
  spdlog::info("signal {}: shutting down", signal_number);
  server->GetHealthCheckService()->SetServingStatus(false);
  for (auto& peer : *peers) peer->RequestStop();  // all at once
  for (auto& peer : *peers) peer->Stop();
  services.replication.Stop();
  ShutdownGracefully(*server, calls, port, config.shutdown_grace,
                     *spdlog::default_logger());
  server->Wait();
  subscribers.Persist();
  engine->reset();  // drains commits and syncs the WAL
  spdlog::info("stopped cleanly");
  // Exits here: destroying the gRPC server shuts the gRPC library down,
  // which waits for its pending timers (up to 10 s after a GOAWAY) for
  // nothing, and its threads would outlive the services they call. The
  // data is durable and the log flushed.
  spdlog::default_logger()->flush();
  std::fflush(nullptr);
  std::_Exit(0);
}

}  // namespace
}  // namespace infinitedb::server

int main(int argc, char** argv) {
  // Block the shutdown and reload signals before any thread starts, so that
  // only Serve()'s sigtimedwait receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Debian's Abseil is built with mutex deadlock detection on, which keeps a
  // lock graph on every lock and unlock (about 1% of a small call's server
  // time, in gRPC's locks and ours); the engine's unit tests keep it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  absl::StatusOr<infinitedb::server::CommandLine> command_line =
      infinitedb::server::PrepareCommandLine(argc, argv);
  if (!command_line.ok()) {
    std::fprintf(stderr, "infdb-server: %s\n",
                 std::string(command_line.status().message()).c_str());
    return 2;
  }
  if (command_line->answer) {
    std::fputs(command_line->answer->c_str(), stdout);
    return 0;
  }
  std::vector<char*> args;
  for (std::string& arg : command_line->args) args.push_back(arg.data());
  args.push_back(nullptr);
  int parsed_argc = static_cast<int>(args.size()) - 1;
  absl::SetProgramUsageMessage("infdb-server --help lists the flags.");
  absl::ParseCommandLine(parsed_argc, args.data());
  absl::StatusOr<infinitedb::server::ServerConfig> config =
      infinitedb::server::ConfigFromFlags();
  if (!config.ok()) {
    std::fprintf(stderr, "infdb-server: %s\n",
                 std::string(config.status().message()).c_str());
    return 2;
  }
  if (!config->restore_from.empty()) {
    return infinitedb::server::Restore(*config);
  }
  return infinitedb::server::Serve(*config);
}
