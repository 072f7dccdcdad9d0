// infinitedb.v1.Auth: authentication, and the users, roles and grants of
// the AuthStore (proto/infinitedb/v1/auth.proto says who may call what).
#ifndef INFINITEDB_SERVER_AUTH_SERVICE_H_
#define INFINITEDB_SERVER_AUTH_SERVICE_H_

#include "infinitedb/v1/auth.grpc.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

class AuthService final : public v1::Auth::Service {
 public:
  explicit AuthService(const ServiceContext* context) : context_(context) {}

  grpc::Status Authenticate(grpc::ServerContext*,
                            const v1::AuthenticateRequest* request,
                            v1::AuthenticateResponse* response) override;
  grpc::Status AuthStatus(grpc::ServerContext*,
                          const v1::AuthStatusRequest* request,
                          v1::AuthStatusResponse* response) override;
  grpc::Status AuthEnable(grpc::ServerContext*,
                          const v1::AuthEnableRequest* request,
                          v1::AuthEnableResponse* response) override;
  grpc::Status AuthDisable(grpc::ServerContext*,
                           const v1::AuthDisableRequest* request,
                           v1::AuthDisableResponse* response) override;
  grpc::Status UserAdd(grpc::ServerContext*, const v1::UserAddRequest* request,
                       v1::UserAddResponse* response) override;
  grpc::Status UserDelete(grpc::ServerContext*,
                          const v1::UserDeleteRequest* request,
                          v1::UserDeleteResponse* response) override;
  grpc::Status UserList(grpc::ServerContext*,
                        const v1::UserListRequest* request,
                        v1::UserListResponse* response) override;
  grpc::Status UserChangePassword(
      grpc::ServerContext*, const v1::UserChangePasswordRequest* request,
      v1::UserChangePasswordResponse* response) override;
  grpc::Status UserGrantRole(grpc::ServerContext*,
                             const v1::UserRoleRequest* request,
                             v1::UserRoleResponse* response) override;
  grpc::Status UserRevokeRole(grpc::ServerContext*,
                              const v1::UserRoleRequest* request,
                              v1::UserRoleResponse* response) override;
  grpc::Status RoleAdd(grpc::ServerContext*, const v1::RoleAddRequest* request,
                       v1::RoleAddResponse* response) override;
  grpc::Status RoleDelete(grpc::ServerContext*,
                          const v1::RoleDeleteRequest* request,
                          v1::RoleDeleteResponse* response) override;
  grpc::Status RoleList(grpc::ServerContext*,
                        const v1::RoleListRequest* request,
                        v1::RoleListResponse* response) override;
  grpc::Status RoleGrantPermission(grpc::ServerContext*,
                                   const v1::RoleGrantRequest* request,
                                   v1::RoleGrantResponse* response) override;
  grpc::Status RoleRevokePermission(grpc::ServerContext*,
                                    const v1::RoleGrantRequest* request,
                                    v1::RoleGrantResponse* response) override;

 private:
  // Admin on every space, then `change`; the change (by whom) is an audit
  // line when it succeeds.
  grpc::Status AdminChange(grpc::ServerContext* call, const std::string& what,
                           const std::function<absl::Status()>& change,
                           v1::ResponseHeader* header) const;

  const ServiceContext* const context_;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_AUTH_SERVICE_H_
