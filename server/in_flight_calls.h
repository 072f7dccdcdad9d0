// Counts the rpcs infdb-server is serving, for shutdown: a gRPC server
// interceptor created when a call is matched to its method and destroyed
// when the call ends (finished, failed or cancelled), so that the shutdown
// waits for calls in flight and not for idle connections.
#ifndef INFINITEDB_SERVER_IN_FLIGHT_CALLS_H_
#define INFINITEDB_SERVER_IN_FLIGHT_CALLS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include <grpcpp/support/server_interceptor.h>

namespace infinitedb::server {

class InFlightCalls {
 public:
  // The calls being served now.
  int64_t count() const { return count_.load(std::memory_order_acquire); }
  // When the last call ended (the epoch of steady_clock when none has).
  std::chrono::steady_clock::time_point last_end() const {
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(
            last_end_.load(std::memory_order_acquire)));
  }

  // An interceptor factory for ServerBuilder::experimental()
  // .SetInterceptorCreators that counts into this (which must outlive the
  // server).
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  NewFactory();

 private:
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> last_end_{0};  // steady_clock ticks
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_IN_FLIGHT_CALLS_H_
