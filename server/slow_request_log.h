// Slow-request log of infdb-server (--slow_request_ms): a gRPC server
// interceptor that times every rpc from its arrival to the status the server
// sends and logs, at warn level, each one that took longer than a threshold,
// with its method, duration in ms, status code and peer. A streaming rpc
// (Records/Query) is timed up to its final status, so it is one request
// however many pages it sends.
#ifndef INFINITEDB_SERVER_SLOW_REQUEST_LOG_H_
#define INFINITEDB_SERVER_SLOW_REQUEST_LOG_H_

#include <cstdint>
#include <memory>
#include <vector>

#include <grpcpp/support/server_interceptor.h>

#include "spdlog/logger.h"

namespace infinitedb::server {

// Creates one interceptor per rpc. Thread-safe: it holds only constants.
class SlowRequestLogFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // Logs rpcs that take longer than `threshold_ms` to `logger`.
  SlowRequestLogFactory(uint64_t threshold_ms,
                        std::shared_ptr<spdlog::logger> logger);

  // gRPC's interface: gRPC owns the returned interceptor and deletes it
  // when the rpc ends.
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  // Constant after construction.
  const double threshold_ms_;  // a double: no overflow for any flag value
  const std::shared_ptr<spdlog::logger> logger_;
};

// The interceptor creators to pass to
// ServerBuilder::experimental().SetInterceptorCreators: the slow-request log
// for `threshold_ms` > 0, none for 0 (the log is off and costs nothing).
std::vector<
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
SlowRequestLogInterceptors(uint64_t threshold_ms,
                           std::shared_ptr<spdlog::logger> logger);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_SLOW_REQUEST_LOG_H_
