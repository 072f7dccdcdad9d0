#include "server/in_flight_calls.h"

namespace infinitedb::server {
namespace {

// Holds one unit of the count for its call's lifetime.
class CallCount : public grpc::experimental::Interceptor {
 public:
  CallCount(std::atomic<int64_t>& count, std::atomic<int64_t>& last_end)
      : count_(count), last_end_(last_end) {
    count_.fetch_add(1, std::memory_order_acq_rel);
  }
  ~CallCount() override {
    last_end_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                    std::memory_order_release);
    count_.fetch_sub(1, std::memory_order_acq_rel);
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  std::atomic<int64_t>& count_;
  std::atomic<int64_t>& last_end_;
};

class CallCountFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallCountFactory(std::atomic<int64_t>& count, std::atomic<int64_t>& last_end)
      : count_(count), last_end_(last_end) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* /*info*/) override {
    return new CallCount(count_, last_end_);
  }

 private:
  std::atomic<int64_t>& count_;
  std::atomic<int64_t>& last_end_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
InFlightCalls::NewFactory() {
  return std::make_unique<CallCountFactory>(count_, last_end_);
}

}  // namespace infinitedb::server
