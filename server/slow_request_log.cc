#include "server/slow_request_log.h"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace infinitedb::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Times one rpc. gRPC creates it when a call is matched to its method (for a
// unary rpc, once its request bytes have arrived), so the time covers
// parsing the request, the handler and writing the responses.
class SlowRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  SlowRequestInterceptor(grpc::experimental::ServerRpcInfo* info,
                         double threshold_ms, spdlog::logger* logger)
      : info_(info),
        threshold_ms_(threshold_ms),
        logger_(logger),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    // The status goes out once per rpc, after the last response message of a
    // stream: the end of the request as its client sees it.
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      std::chrono::duration<double, std::milli> elapsed =
          std::chrono::steady_clock::now() - start_;
      if (elapsed.count() > threshold_ms_) {
        Log(methods->GetSendStatus(), elapsed.count());
      }
    }
    methods->Proceed();
  }

 private:
  void Log(const grpc::Status& status, double elapsed_ms) {
    // gRPC and absl share the canonical codes; absl names them.
    std::string code = absl::StatusCodeToString(
        static_cast<absl::StatusCode>(status.error_code()));
    logger_->warn("slow request: {} took {:.1f} ms, status {}, peer {}",
                  info_->method(), elapsed_ms, code,
                  info_->server_context()->peer());
  }

  // Constant after construction; info_ owns this interceptor.
  grpc::experimental::ServerRpcInfo* const info_;
  const double threshold_ms_;
  spdlog::logger* const logger_;
  const std::chrono::steady_clock::time_point start_;
};

}  // namespace

SlowRequestLogFactory::SlowRequestLogFactory(
    uint64_t threshold_ms, std::shared_ptr<spdlog::logger> logger)
    : threshold_ms_(static_cast<double>(threshold_ms)),
      logger_(std::move(logger)) {}

grpc::experimental::Interceptor* SlowRequestLogFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // A change-stream subscription lasts as long as its subscriber: it is
  // not a slow request.
  if (std::string_view(info->method()).ends_with("/Subscribe")) return nullptr;
  return new SlowRequestInterceptor(info, threshold_ms_, logger_.get());
}

std::vector<
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
SlowRequestLogInterceptors(uint64_t threshold_ms,
                           std::shared_ptr<spdlog::logger> logger) {
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      creators;
  if (threshold_ms > 0) {
    creators.push_back(std::make_unique<SlowRequestLogFactory>(
        threshold_ms, std::move(logger)));
  }
  return creators;
}

}  // namespace infinitedb::server
