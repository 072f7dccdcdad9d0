#include "server/status_guard.h"

#include <grpcpp/support/status.h>

#include "absl/strings/str_format.h"

namespace infinitedb::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

class StatusGuard : public grpc::experimental::Interceptor {
 public:
  explicit StatusGuard(grpc::experimental::ServerRpcInfo* info) : info_(info) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::INTERNAL &&
          status.error_message().empty()) {
        methods->ModifySendStatus(grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrFormat("request: could not parse it as the request "
                            "message of %s",
                            info_->method())));
      } else if (status.error_message().size() > kMaxStatusMessageBytes) {
        methods->ModifySendStatus(grpc::Status(
            status.error_code(), BoundedStatusMessage(status.error_message()),
            status.error_details()));
      }
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* const info_;
};

class StatusGuardFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new StatusGuard(info);
  }
};

}  // namespace

std::string BoundedStatusMessage(const std::string& message) {
  if (message.size() <= kMaxStatusMessageBytes) return message;
  size_t keep = kMaxStatusMessageBytes - 32;
  // Not inside a UTF-8 sequence: back up over continuation bytes.
  while (keep > 0 &&
         (static_cast<unsigned char>(message[keep]) & 0xC0) == 0x80) {
    --keep;
  }
  return absl::StrFormat("%s... (%d bytes cut)", message.substr(0, keep),
                         message.size() - keep);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewStatusGuardFactory() {
  return std::make_unique<StatusGuardFactory>();
}

}  // namespace infinitedb::server
