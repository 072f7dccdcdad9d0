#include "server/spaces_service.h"

#include "server/proto_convert.h"
#include "server/status_util.h"

namespace infinitedb::server {
namespace {

void ToProto(const SpaceInfo& space, v1::Space* out) {
  out->set_name(space.name);
  out->set_dims(space.dims);
  out->set_created_revision(space.created_revision);
}

}  // namespace

grpc::Status SpacesService::CreateSpace(grpc::ServerContext* call,
                                        const v1::CreateSpaceRequest* request,
                                        v1::CreateSpaceResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kAdmin, request->name(), ""});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRequired(request->name(), "name"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  // dims is unsigned on the wire; clamp so 2^32-1 does not wrap to -1.
  int dims = static_cast<int>(std::min<uint32_t>(request->dims(), 1000));
  absl::StatusOr<SpaceInfo> space =
      context_->engine->CreateSpace(request->name(), dims);
  if (!space.ok()) return ToGrpcStatus(space.status());
  ToProto(*space, response->mutable_space());
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status SpacesService::GetSpace(grpc::ServerContext* call,
                                     const v1::GetSpaceRequest* request,
                                     v1::GetSpaceResponse* response) {
  absl::StatusOr<Caller> caller = context_->Identify(*call);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (!caller->MayRead(request->name())) {
    return context_->Require(*caller, {Permission::kRead, request->name(), ""},
                             call);
  }
  if (absl::Status s = CheckRequired(request->name(), "name"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<SpaceInfo> space = context_->engine->GetSpace(request->name());
  if (!space.ok()) return ToGrpcStatus(space.status());
  ToProto(*space, response->mutable_space());
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status SpacesService::ListSpaces(grpc::ServerContext* call,
                                       const v1::ListSpacesRequest*,
                                       v1::ListSpacesResponse* response) {
  absl::StatusOr<Caller> caller = context_->Identify(*call);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  // Only the spaces the caller may read on some branch.
  for (const SpaceInfo& space : context_->engine->ListSpaces()) {
    if (caller->MayRead(space.name)) ToProto(space, response->add_spaces());
  }
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status SpacesService::DropSpace(grpc::ServerContext* call,
                                      const v1::DropSpaceRequest* request,
                                      v1::DropSpaceResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kAdmin, request->name(), ""});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRequired(request->name(), "name"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::Status status = context_->engine->DropSpace(request->name());
  if (!status.ok()) return ToGrpcStatus(status);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

}  // namespace infinitedb::server
