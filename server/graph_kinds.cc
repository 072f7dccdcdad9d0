#include "server/graph_kinds.h"

#include "server/proto_convert.h"
#include "server/status_util.h"

namespace infinitedb::server {

grpc::Status DeclareKind(const ServiceContext& context,
                         const v1::DeclareKindRequest& request,
                         v1::DeclareKindResponse* response) {
  // The engine names the fields as the request does: "kind", "roles[i]".
  if (absl::Status s = CheckRequired(request.kind(), "kind"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  KindDeclaration declaration;
  declaration.kind = request.kind();
  declaration.directed = request.directed();
  declaration.roles.assign(request.roles().begin(), request.roles().end());
  absl::Status status = context.engine->DeclareKind(declaration);
  if (!status.ok()) return ToGrpcStatus(status);
  context.FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status ListKinds(const ServiceContext& context,
                       v1::ListKindsResponse* response) {
  absl::StatusOr<std::vector<KindDeclaration>> kinds =
      context.engine->ListKinds();
  if (!kinds.ok()) return ToGrpcStatus(kinds.status());
  for (const KindDeclaration& kind : *kinds) {
    v1::KindDeclaration* out = response->add_kinds();
    out->set_kind(kind.kind);
    out->set_directed(kind.directed);
    out->mutable_roles()->Assign(kind.roles.begin(), kind.roles.end());
  }
  context.FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

}  // namespace infinitedb::server
