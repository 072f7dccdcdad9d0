#include "server/graceful_shutdown.h"

#include <grpc/grpc.h>

#include <algorithm>
#include <thread>

namespace infinitedb::server {
namespace {

using Clock = std::chrono::steady_clock;

// How long connections may stay after the last call ended, for responses
// still in the transport's buffers to reach their clients.
constexpr auto kLinger = std::chrono::seconds(1);

gpr_timespec ToDeadline(Clock::time_point when) {
  const auto left = std::max(Clock::duration::zero(), when - Clock::now());
  return gpr_time_add(
      gpr_now(GPR_CLOCK_MONOTONIC),
      gpr_time_from_micros(
          std::chrono::duration_cast<std::chrono::microseconds>(left).count(),
          GPR_TIMESPAN));
}

}  // namespace

void ShutdownGracefully(grpc::Server& server, const InFlightCalls& calls,
                        std::chrono::milliseconds grace,
                        spdlog::logger& logger) {
  // Stops matching new calls and sends GOAWAY; completes (on `done`) once
  // every call has ended and every client closed its connection. (The core
  // API: grpc::CompletionQueue takes only its own tag types.)
  grpc_completion_queue* done = grpc_completion_queue_create_for_next(nullptr);
  int tag = 0;
  grpc_server_shutdown_and_notify(server.c_server(), done, &tag);
  const Clock::time_point deadline = Clock::now() + grace;
  while (calls.count() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (const int64_t running = calls.count(); running > 0) {
    logger.warn(
        "{} call(s) still running after the {} ms grace period: "
        "cancelling them",
        running, grace.count());
  }
  // A call that ended lately may still have responses in the transport's
  // buffers: closing its connection at once could reset it and lose them.
  // Idle connections (no call ended lately) are not waited for.
  const Clock::time_point linger_end =
      std::min(deadline, calls.last_end() + kLinger);
  bool finished = false;
  if (linger_end > Clock::now()) {
    finished = grpc_completion_queue_next(done, ToDeadline(linger_end), nullptr)
                   .type == GRPC_OP_COMPLETE;
  }
  // Cancels what is left and disconnects every connection, idle ones
  // included, so the shutdown completes now.
  if (!finished) grpc_server_cancel_all_calls(server.c_server());
  server.Shutdown(std::chrono::system_clock::now());
  grpc_completion_queue_shutdown(done);
  while (grpc_completion_queue_next(done, gpr_inf_future(GPR_CLOCK_REALTIME),
                                    nullptr)
             .type != GRPC_QUEUE_SHUTDOWN) {
  }
  grpc_completion_queue_destroy(done);
}

}  // namespace infinitedb::server
