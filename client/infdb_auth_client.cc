// Client::Authenticate: a token from Auth.Authenticate for every later
// call.
#include "client/infdb_client.h"
#include "infinitedb/v1/auth.grpc.pb.h"

namespace infinitedb::client {

absl::Status Client::Authenticate(const std::string& user,
                                  const std::string& password) {
  auto stub = v1::Auth::NewStub(channel_);
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  v1::AuthenticateRequest request;
  request.set_user(user);
  request.set_password(password);
  v1::AuthenticateResponse response;
  grpc::Status status = stub->Authenticate(context.get(), request, &response);
  if (!status.ok()) {
    return absl::Status(
        static_cast<absl::StatusCode>(status.error_code()),
        "authenticate as '" + user + "': " + status.error_message());
  }
  token_ = response.token();
  return absl::OkStatus();
}

}  // namespace infinitedb::client
