#include "server/graceful_shutdown.h"

#include <grpc/grpc.h>

#include <thread>

namespace infinitedb::server {

void ShutdownGracefully(grpc::Server& server, const InFlightCalls& calls,
                        std::chrono::milliseconds grace,
                        spdlog::logger& logger) {
  // Stops matching new calls and sends GOAWAY; completes (on `done`) only
  // once every call has ended and every client closed its connection.
  // (The core API: grpc::CompletionQueue takes only its own tag types.)
  grpc_completion_queue* done = grpc_completion_queue_create_for_next(nullptr);
  int tag = 0;
  grpc_server_shutdown_and_notify(server.c_server(), done, &tag);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (calls.count() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (const int64_t running = calls.count(); running > 0) {
    logger.warn(
        "{} call(s) still running after the {} ms grace period: "
        "cancelling them",
        running, grace.count());
  }
  // Cancels what is left and disconnects every connection, idle ones
  // included, so the shutdown completes now.
  grpc_server_cancel_all_calls(server.c_server());
  server.Shutdown(std::chrono::system_clock::now());
  grpc_completion_queue_shutdown(done);
  while (grpc_completion_queue_next(done, gpr_inf_future(GPR_CLOCK_REALTIME),
                                    nullptr)
             .type != GRPC_QUEUE_SHUTDOWN) {
  }
  grpc_completion_queue_destroy(done);
}

}  // namespace infinitedb::server
