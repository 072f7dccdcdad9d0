// The access-control methods of Client (infdb_client.h): Authenticate,
// which keeps a token for every later call, and the Auth service's users,
// roles, grants and switch. Changes are made once (never retried); the
// listings and AuthStatus are retried on UNAVAILABLE.
#include "client/infdb_client.h"

namespace infinitedb::client {

absl::Status Client::Authenticate(const std::string& user,
                                  const std::string& password) {
  v1::AuthenticateRequest request;
  request.set_user(user);
  request.set_password(password);
  absl::StatusOr<v1::AuthenticateResponse> response =
      Once(auth_.get(), &v1::Auth::Stub::Authenticate, request);
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        "authenticate as '" + user +
                            "': " + std::string(response.status().message()));
  }
  token_ = response->token();
  return absl::OkStatus();
}

absl::StatusOr<v1::AuthStatusResponse> Client::AuthStatus() {
  return RetriedRead(auth_.get(), &v1::Auth::Stub::AuthStatus,
                     v1::AuthStatusRequest());
}

absl::Status Client::EnableAuth() {
  return Once(auth_.get(), &v1::Auth::Stub::AuthEnable, v1::AuthEnableRequest())
      .status();
}

absl::Status Client::DisableAuth() {
  return Once(auth_.get(), &v1::Auth::Stub::AuthDisable,
              v1::AuthDisableRequest())
      .status();
}

absl::Status Client::AddUser(const std::string& name,
                             const std::string& password) {
  v1::UserAddRequest request;
  request.set_name(name);
  request.set_password(password);
  request.set_no_password(password.empty());
  return Once(auth_.get(), &v1::Auth::Stub::UserAdd, request).status();
}

absl::Status Client::DeleteUser(const std::string& name) {
  v1::UserDeleteRequest request;
  request.set_name(name);
  return Once(auth_.get(), &v1::Auth::Stub::UserDelete, request).status();
}

absl::StatusOr<std::vector<v1::User>> Client::ListUsers() {
  absl::StatusOr<v1::UserListResponse> response = RetriedRead(
      auth_.get(), &v1::Auth::Stub::UserList, v1::UserListRequest());
  if (!response.ok()) return response.status();
  return std::vector<v1::User>(response->users().begin(),
                               response->users().end());
}

absl::Status Client::ChangePassword(const std::string& user,
                                    const std::string& password) {
  v1::UserChangePasswordRequest request;
  request.set_name(user);
  request.set_password(password);
  return Once(auth_.get(), &v1::Auth::Stub::UserChangePassword, request)
      .status();
}

absl::Status Client::GrantRole(const std::string& user,
                               const std::string& role) {
  v1::UserRoleRequest request;
  request.set_user(user);
  request.set_role(role);
  return Once(auth_.get(), &v1::Auth::Stub::UserGrantRole, request).status();
}

absl::Status Client::RevokeRole(const std::string& user,
                                const std::string& role) {
  v1::UserRoleRequest request;
  request.set_user(user);
  request.set_role(role);
  return Once(auth_.get(), &v1::Auth::Stub::UserRevokeRole, request).status();
}

absl::Status Client::AddRole(const std::string& name) {
  v1::RoleAddRequest request;
  request.set_name(name);
  return Once(auth_.get(), &v1::Auth::Stub::RoleAdd, request).status();
}

absl::Status Client::DeleteRole(const std::string& name) {
  v1::RoleDeleteRequest request;
  request.set_name(name);
  return Once(auth_.get(), &v1::Auth::Stub::RoleDelete, request).status();
}

absl::StatusOr<std::vector<v1::Role>> Client::ListRoles() {
  absl::StatusOr<v1::RoleListResponse> response = RetriedRead(
      auth_.get(), &v1::Auth::Stub::RoleList, v1::RoleListRequest());
  if (!response.ok()) return response.status();
  return std::vector<v1::Role>(response->roles().begin(),
                               response->roles().end());
}

absl::Status Client::GrantPermission(const std::string& role,
                                     const v1::Grant& grant) {
  v1::RoleGrantRequest request;
  request.set_role(role);
  *request.mutable_grant() = grant;
  return Once(auth_.get(), &v1::Auth::Stub::RoleGrantPermission, request)
      .status();
}

absl::Status Client::RevokePermission(const std::string& role,
                                      const v1::Grant& grant) {
  v1::RoleGrantRequest request;
  request.set_role(role);
  *request.mutable_grant() = grant;
  return Once(auth_.get(), &v1::Auth::Stub::RoleRevokePermission, request)
      .status();
}

}  // namespace infinitedb::client
