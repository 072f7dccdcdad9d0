#include "server/in_flight_calls.h"

#include <cstring>

namespace infinitedb::server {
namespace {

constexpr char kHealthWatch[] = "/grpc.health.v1.Health/Watch";

// Holds one unit of the count for its call's lifetime.
class CallCount : public grpc::experimental::Interceptor {
 public:
  explicit CallCount(std::atomic<int64_t>& count) : count_(count) {
    count_.fetch_add(1, std::memory_order_acq_rel);
  }
  ~CallCount() override { count_.fetch_sub(1, std::memory_order_acq_rel); }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  std::atomic<int64_t>& count_;
};

class CallCountFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallCountFactory(std::atomic<int64_t>& count) : count_(count) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    if (info->method() != nullptr &&
        std::strcmp(info->method(), kHealthWatch) == 0) {
      return nullptr;  // gRPC installs no interceptor then
    }
    return new CallCount(count_);
  }

 private:
  std::atomic<int64_t>& count_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
InFlightCalls::NewFactory() {
  return std::make_unique<CallCountFactory>(count_);
}

}  // namespace infinitedb::server
