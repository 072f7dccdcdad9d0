// infdb-server: serves an InfiniteDB data directory over gRPC.
//
// Starts the engine (replaying its WAL), serves the Spaces, Records,
// Graph, Branches, Admin and Replication services plus the standard health
// service and server reflection, pulls changes from every --peer, and on
// SIGTERM or SIGINT stops replication, stops accepting calls, lets in-flight
// calls finish for up to --shutdown_grace_ms (graceful_shutdown.h), and
// closes the engine (making the WAL durable).
#include <signal.h>

#include <cstdio>
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
#include "server/admin_service.h"
#include "server/branches_service.h"
#include "server/command_line.h"
#include "server/graceful_shutdown.h"
#include "server/graph_service.h"
#include "server/in_flight_calls.h"
#include "server/records_service.h"
#include "server/replication_service.h"
#include "server/server_flags.h"
#include "server/server_log.h"
#include "server/slow_request_log.h"
#include "server/spaces_service.h"
#include "server/status_guard.h"
#include "server/version.h"
#include "spdlog/spdlog.h"

namespace infinitedb::server {
namespace {

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
  if (!cursors.ok()) {
    spdlog::error("cannot open the cursor key: {}",
                  cursors.status().ToString());
    return 1;
  }
  ServiceContext context;
  context.engine = engine->get();
  context.cursors = &*cursors;
  context.node_id = config.engine.node_id;
  context.data_dir = config.engine.data_dir;
  context.durability =
      config.engine.durability == Durability::kSync ? "sync" : "async";
  context.started = std::chrono::steady_clock::now();
  SubscriberRegistry subscribers(engine->get(),
                                 config.engine.replication_retention_revisions);
  context.subscribers = &subscribers;
  std::vector<std::unique_ptr<PeerReplicator>> peers;
  for (const std::string& address : config.peers) {
    peers.push_back(std::make_unique<PeerReplicator>(address, engine->get(),
                                                     config.engine.node_id));
    context.sources.push_back(peers.back().get());
  }
  SpacesService spaces(&context);
  RecordsService records(&context);
  GraphService graph(&context);
  BranchesService branches(&context);
  AdminService admin(&context);
  ReplicationService replication(&context);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen, grpc::InsecureServerCredentials(),
                           &port);
  // The port is this server's alone: with SO_REUSEPORT (gRPC's default) a
  // second server on another data directory would share it and split the
  // clients' calls between two databases.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(config.max_message_bytes));
  InFlightCalls calls;
  auto interceptors = SlowRequestLogInterceptors(config.slow_request_ms,
                                                 spdlog::default_logger());
  interceptors.push_back(calls.NewFactory());
  interceptors.push_back(NewStatusGuardFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(&spaces);
  builder.RegisterService(&records);
  builder.RegisterService(&graph);
  builder.RegisterService(&branches);
  builder.RegisterService(&admin);
  builder.RegisterService(&replication);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    spdlog::error(
        "cannot listen on {}: the port is in use by another process, or the "
        "address is not one of this host's",
        config.listen);
    return 1;
  }
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  // Tests and scripts read this line to learn the port (--listen host:0).
  std::printf("infdb-server %s listening on %s:%d\n", kServerVersion,
              host.c_str(), port);
  std::fflush(stdout);
  spdlog::info(
      "serving {} on {}:{} (node {}, durability {}, revision {}, cache {} "
      "MiB)",
      context.data_dir, host, port, context.node_id, context.durability,
      context.engine->CurrentRevision(), config.engine.block_cache_bytes >> 20);
  for (auto& peer : peers) {
    spdlog::info("replicating from {}", config.peers[&peer - &peers[0]]);
    peer->Start();
  }

  // Signals were blocked in every thread before any started: wait here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("signal {}: shutting down", signal_number);
  server->GetHealthCheckService()->SetServingStatus(false);
  for (auto& peer : peers) peer->RequestStop();  // all at once
  for (auto& peer : peers) peer->Stop();
  replication.Stop();
  ShutdownGracefully(*server, calls, config.shutdown_grace,
                     *spdlog::default_logger());
  server->Wait();
  subscribers.Persist();
  engine->reset();  // drains commits and syncs the WAL
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace
}  // namespace infinitedb::server

int main(int argc, char** argv) {
  // Block the shutdown signals before any thread starts, so that only
  // Serve()'s sigwait receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

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
  return infinitedb::server::Serve(*config);
}
