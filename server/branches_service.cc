#include "server/branches_service.h"

#include "server/proto_convert.h"
#include "server/status_util.h"

namespace infinitedb::server {
namespace {

void ToProto(const BranchInfo& branch, v1::Branch* out) {
  out->set_name(branch.name);
  out->set_parent(branch.parent);
  out->set_fork_revision(branch.fork_revision);
}

}  // namespace

grpc::Status BranchesService::CreateBranch(
    grpc::ServerContext*, const v1::CreateBranchRequest* request,
    v1::CreateBranchResponse* response) {
  if (absl::Status s = CheckRequired(request->name(), "name"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<BranchInfo> branch = context_->engine->CreateBranch(
      request->name(), BranchOrMain(request->parent()));
  if (!branch.ok()) return ToGrpcStatus(branch.status());
  ToProto(*branch, response->mutable_branch());
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status BranchesService::ListBranches(grpc::ServerContext*,
                                           const v1::ListBranchesRequest*,
                                           v1::ListBranchesResponse* response) {
  for (const BranchInfo& branch : context_->engine->ListBranches()) {
    ToProto(branch, response->add_branches());
  }
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

}  // namespace infinitedb::server
