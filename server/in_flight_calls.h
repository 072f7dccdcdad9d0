// Counts the rpcs infdb-server is serving, for shutdown: a gRPC server
// interceptor created when a call is matched to its method and destroyed
// when the call ends (finished, failed or cancelled), so that the shutdown
// waits for calls in flight and not for idle connections. Health.Watch
// streams are not counted: they last as long as their client watches.
#ifndef INFINITEDB_SERVER_IN_FLIGHT_CALLS_H_
#define INFINITEDB_SERVER_IN_FLIGHT_CALLS_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include <grpcpp/support/server_interceptor.h>

namespace infinitedb::server {

class InFlightCalls {
 public:
  // The calls being served now.
  int64_t count() const { return count_.load(std::memory_order_acquire); }

  // An interceptor factory for ServerBuilder::experimental()
  // .SetInterceptorCreators that counts into this (which must outlive the
  // server).
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  NewFactory();

 private:
  std::atomic<int64_t> count_{0};
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_IN_FLIGHT_CALLS_H_
