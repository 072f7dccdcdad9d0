#include "server/auth_service.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/password_hash.h"
#include "server/server_log.h"

namespace infinitedb::server {
namespace {

const Need kAdminEverywhere{Permission::kAdmin, kEverySpace, ""};

absl::StatusOr<std::string> NewPasswordHash(const std::string& password,
                                            bool no_password) {
  if (no_password) {
    if (!password.empty()) {
      return absl::InvalidArgumentError(
          "password: must be empty with no_password");
    }
    return std::string();
  }
  return HashPassword(password, "password");
}

// The grant as asked for, for the audit line (checked later).
std::string GrantText(const v1::Grant& grant) {
  std::string out = absl::StrFormat(
      "%s on %s", v1::Permission_Name(grant.permission()), grant.space());
  if (!grant.branch().empty())
    absl::StrAppend(&out, " branch ", grant.branch());
  return out;
}

}  // namespace

grpc::Status AuthService::AdminChange(
    grpc::ServerContext* call, const std::string& what,
    const std::function<absl::Status()>& change,
    v1::ResponseHeader* header) const {
  absl::StatusOr<Caller> caller =
      context_->auth->Allow(*call, kAdminEverywhere);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = change(); !s.ok()) return ToGrpcStatus(s);
  AuditLog()->info("{} by '{}' (peer {})", what, caller->name(), call->peer());
  context_->FillHeader(header);
  return grpc::Status::OK;
}

grpc::Status AuthService::Authenticate(grpc::ServerContext* call,
                                       const v1::AuthenticateRequest* request,
                                       v1::AuthenticateResponse* response) {
  if (request->user().empty() || request->user().size() > 128) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "user: required, at most 128 characters");
  }
  absl::StatusOr<CallAuth::Issued> issued = context_->auth->Authenticate(
      request->user(), request->password(), call->peer());
  if (!issued.ok()) return ToGrpcStatus(issued.status());
  response->set_token(issued->token);
  response->set_expires_unix(issued->expires_unix);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status AuthService::AuthStatus(grpc::ServerContext* call,
                                     const v1::AuthStatusRequest*,
                                     v1::AuthStatusResponse* response) {
  const bool enabled = context_->auth->store()->view()->enabled;
  response->set_enabled(enabled);
  if (enabled) {
    absl::StatusOr<Caller> caller = context_->auth->Identify(*call);
    if (caller.ok()) {
      response->set_user(caller->name());
      response->set_method(caller->method);
    }
  }
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status AuthService::AuthEnable(grpc::ServerContext* call,
                                     const v1::AuthEnableRequest*,
                                     v1::AuthEnableResponse* response) {
  return AdminChange(
      call, "auth enabled",
      [&] { return context_->auth->store()->SetEnabled(true); },
      response->mutable_header());
}

grpc::Status AuthService::AuthDisable(grpc::ServerContext* call,
                                      const v1::AuthDisableRequest*,
                                      v1::AuthDisableResponse* response) {
  absl::StatusOr<Caller> caller = context_->auth->Identify(*call);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (caller->user != nullptr && !caller->user->root()) {
    AuditLog()->warn(
        "permission denied: user '{}' may not disable auth "
        "(root only; peer {})",
        caller->name(), call->peer());
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        absl::StrFormat("user '%s': only root may disable auth",
                                        caller->name()));
  }
  if (absl::Status s = context_->auth->store()->SetEnabled(false); !s.ok()) {
    return ToGrpcStatus(s);
  }
  AuditLog()->info("auth disabled by '{}' (peer {})", caller->name(),
                   call->peer());
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status AuthService::UserAdd(grpc::ServerContext* call,
                                  const v1::UserAddRequest* request,
                                  v1::UserAddResponse* response) {
  return AdminChange(
      call, absl::StrFormat("user '%s' added", request->name()),
      [&]() -> absl::Status {
        absl::Status name = AuthStore::CheckName(request->name(), "name");
        if (!name.ok()) return name;
        absl::StatusOr<std::string> hash =
            NewPasswordHash(request->password(), request->no_password());
        if (!hash.ok()) return hash.status();
        return context_->auth->store()->AddUser(request->name(),
                                                std::move(*hash));
      },
      response->mutable_header());
}

grpc::Status AuthService::UserDelete(grpc::ServerContext* call,
                                     const v1::UserDeleteRequest* request,
                                     v1::UserDeleteResponse* response) {
  return AdminChange(
      call, absl::StrFormat("user '%s' deleted", request->name()),
      [&] { return context_->auth->store()->DeleteUser(request->name()); },
      response->mutable_header());
}

grpc::Status AuthService::UserList(grpc::ServerContext* call,
                                   const v1::UserListRequest*,
                                   v1::UserListResponse* response) {
  if (grpc::Status s = context_->Allow(call, kAdminEverywhere); !s.ok()) {
    return s;
  }
  for (const auto& [name, user] : context_->auth->store()->view()->users) {
    v1::User* out = response->add_users();
    out->set_name(name);
    for (const std::string& role : user.roles) out->add_roles(role);
    out->set_has_password(!user.password_hash.empty());
  }
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status AuthService::UserChangePassword(
    grpc::ServerContext* call, const v1::UserChangePasswordRequest* request,
    v1::UserChangePasswordResponse* response) {
  absl::StatusOr<Caller> caller = context_->auth->Identify(*call);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const bool self =
      caller->user != nullptr && caller->name() == request->name();
  if (!self) {
    absl::Status allowed =
        context_->auth->Require(*caller, kAdminEverywhere, *call);
    if (!allowed.ok()) return ToGrpcStatus(allowed);
  }
  absl::StatusOr<std::string> hash =
      HashPassword(request->password(), "password");
  if (!hash.ok()) return ToGrpcStatus(hash.status());
  absl::Status status =
      context_->auth->store()->SetPassword(request->name(), std::move(*hash));
  if (!status.ok()) return ToGrpcStatus(status);
  AuditLog()->info("password of user '{}' changed by '{}' (peer {})",
                   request->name(), caller->name(), call->peer());
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status AuthService::UserGrantRole(grpc::ServerContext* call,
                                        const v1::UserRoleRequest* request,
                                        v1::UserRoleResponse* response) {
  return AdminChange(
      call,
      absl::StrFormat("role '%s' granted to user '%s'", request->role(),
                      request->user()),
      [&] {
        return context_->auth->store()->GrantRole(request->user(),
                                                  request->role());
      },
      response->mutable_header());
}

grpc::Status AuthService::UserRevokeRole(grpc::ServerContext* call,
                                         const v1::UserRoleRequest* request,
                                         v1::UserRoleResponse* response) {
  return AdminChange(
      call,
      absl::StrFormat("role '%s' revoked from user '%s'", request->role(),
                      request->user()),
      [&] {
        return context_->auth->store()->RevokeRole(request->user(),
                                                   request->role());
      },
      response->mutable_header());
}

grpc::Status AuthService::RoleAdd(grpc::ServerContext* call,
                                  const v1::RoleAddRequest* request,
                                  v1::RoleAddResponse* response) {
  return AdminChange(
      call, absl::StrFormat("role '%s' added", request->name()),
      [&] { return context_->auth->store()->AddRole(request->name()); },
      response->mutable_header());
}

grpc::Status AuthService::RoleDelete(grpc::ServerContext* call,
                                     const v1::RoleDeleteRequest* request,
                                     v1::RoleDeleteResponse* response) {
  return AdminChange(
      call, absl::StrFormat("role '%s' deleted", request->name()),
      [&] { return context_->auth->store()->DeleteRole(request->name()); },
      response->mutable_header());
}

grpc::Status AuthService::RoleList(grpc::ServerContext* call,
                                   const v1::RoleListRequest*,
                                   v1::RoleListResponse* response) {
  if (grpc::Status s = context_->Allow(call, kAdminEverywhere); !s.ok()) {
    return s;
  }
  for (const auto& [name, grants] : context_->auth->store()->view()->roles) {
    v1::Role* out = response->add_roles();
    out->set_name(name);
    for (const GrantRule& grant : grants)
      GrantToProto(grant, out->add_grants());
  }
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status AuthService::RoleGrantPermission(
    grpc::ServerContext* call, const v1::RoleGrantRequest* request,
    v1::RoleGrantResponse* response) {
  return AdminChange(
      call,
      absl::StrFormat("role '%s' granted %s", request->role(),
                      GrantText(request->grant())),
      [&]() -> absl::Status {
        absl::StatusOr<GrantRule> grant =
            GrantFromProto(request->grant(), "grant");
        if (!grant.ok()) return grant.status();
        return context_->auth->store()->GrantPermission(request->role(),
                                                        *grant);
      },
      response->mutable_header());
}

grpc::Status AuthService::RoleRevokePermission(
    grpc::ServerContext* call, const v1::RoleGrantRequest* request,
    v1::RoleGrantResponse* response) {
  return AdminChange(
      call,
      absl::StrFormat("role '%s' revoked %s", request->role(),
                      GrantText(request->grant())),
      [&]() -> absl::Status {
        absl::StatusOr<GrantRule> grant =
            GrantFromProto(request->grant(), "grant");
        if (!grant.ok()) return grant.status();
        return context_->auth->store()->RevokePermission(request->role(),
                                                         *grant);
      },
      response->mutable_header());
}

}  // namespace infinitedb::server
