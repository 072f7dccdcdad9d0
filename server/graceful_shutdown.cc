#include "server/graceful_shutdown.h"

#include <grpc/grpc.h>

#include <functional>
#include <thread>

#include "server/unsent_bytes.h"

namespace infinitedb::server {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPollEvery = std::chrono::milliseconds(5);

// Waits until `done` holds or `deadline` passes; true when it holds.
bool WaitUntil(Clock::time_point deadline, const std::function<bool()>& done) {
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollEvery);
  }
  return true;
}

}  // namespace

void ShutdownGracefully(grpc::Server& server, const InFlightCalls& calls,
                        int port, std::chrono::milliseconds grace,
                        spdlog::logger& logger) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + grace;
  auto quiet = [&] {
    return calls.count() == 0 && UnsentBytesOnPort(port) == 0;
  };
  // Clients that keep sending (not watching health) may never let the
  // count reach zero: after half the grace period the GOAWAY goes anyway.
  WaitUntil(start + grace / 2, quiet);
  // Stops matching new calls and sends GOAWAY; completes (on `done`) once
  // every call has ended and every connection is closed. (The core API:
  // grpc::CompletionQueue takes only its own tag types.)
  grpc_completion_queue* done = grpc_completion_queue_create_for_next(nullptr);
  int tag = 0;
  grpc_server_shutdown_and_notify(server.c_server(), done, &tag);
  // A call that arrived just before the GOAWAY gets the rest of the grace
  // period too.
  const bool delivered = WaitUntil(deadline, quiet);
  if (const int64_t running = calls.count(); running > 0) {
    logger.warn(
        "{} call(s) still running after the {} ms grace period: "
        "cancelling them",
        running, grace.count());
  } else if (!delivered) {
    logger.warn(
        "responses not delivered to their clients after the {} ms grace "
        "period: closing their connections",
        grace.count());
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
