#include "server/peer_token.h"

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "infinitedb/v1/auth.grpc.pb.h"

namespace infinitedb::server {
namespace {

constexpr int64_t kRenewBeforeSeconds = 60;
constexpr auto kAuthenticateDeadline = std::chrono::seconds(10);

}  // namespace

absl::Status PeerToken::Attach(const std::shared_ptr<grpc::Channel>& channel,
                               grpc::ClientContext* call) {
  if (user_.empty() || password_.empty()) return absl::OkStatus();
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  if (token_.empty() || expires_unix_ - now < kRenewBeforeSeconds) {
    auto stub = v1::Auth::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         kAuthenticateDeadline);
    v1::AuthenticateRequest request;
    request.set_user(user_);
    request.set_password(password_);
    v1::AuthenticateResponse response;
    grpc::Status status = stub->Authenticate(&context, request, &response);
    if (!status.ok()) {
      token_.clear();
      return absl::Status(
          static_cast<absl::StatusCode>(status.error_code()),
          absl::StrFormat("Auth.Authenticate as --peer-user '%s': %s", user_,
                          status.error_message()));
    }
    token_ = response.token();
    expires_unix_ = response.expires_unix();
  }
  call->AddMetadata("authorization", "Bearer " + token_);
  return absl::OkStatus();
}

}  // namespace infinitedb::server
