#include "server/branches_service.h"

#include "server/branch_convert.h"
#include "server/page_limits.h"
#include "server/proto_convert.h"
#include "server/status_util.h"

namespace infinitedb::server {
namespace {

// What a diff reads: one space, or every space.
std::string_view DiffSpace(const v1::DiffRequest& request) {
  return request.space().empty() ? std::string_view(kEverySpace)
                                 : std::string_view(request.space());
}

}  // namespace

grpc::Status BranchesService::CreateBranch(
    grpc::ServerContext* call, const v1::CreateBranchRequest* request,
    v1::CreateBranchResponse* response) {
  {
    absl::StatusOr<Caller> caller = context_->Identify(*call);
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    if (grpc::Status s = context_->Require(
            *caller, {Permission::kAdmin, kEverySpace, request->name()}, call);
        !s.ok()) {
      return s;
    }
    if (grpc::Status s = context_->Require(
            *caller,
            {Permission::kRead, kEverySpace, BranchOrMain(request->parent())},
            call);
        !s.ok()) {
      return s;
    }
  }
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

grpc::Status BranchesService::ListBranches(grpc::ServerContext* call,
                                           const v1::ListBranchesRequest*,
                                           v1::ListBranchesResponse* response) {
  if (absl::StatusOr<Caller> caller = context_->Identify(*call); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  for (const BranchInfo& branch : context_->engine->ListBranches()) {
    ToProto(branch, response->add_branches());
  }
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status BranchesService::DropBranch(grpc::ServerContext* call,
                                         const v1::DropBranchRequest* request,
                                         v1::DropBranchResponse* response) {
  if (grpc::Status s = context_->Allow(
          call, {Permission::kAdmin, kEverySpace, request->name()});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRequired(request->name(), "name"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::Status dropped = context_->engine->DropBranch(request->name());
  if (!dropped.ok()) return ToGrpcStatus(dropped);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status BranchesService::GetBranchStatus(
    grpc::ServerContext* call, const v1::GetBranchStatusRequest* request,
    v1::GetBranchStatusResponse* response) {
  if (grpc::Status s = context_->Allow(
          call, {Permission::kRead, kEverySpace, request->name()});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<BranchStatus> status =
      context_->engine->GetBranchStatus(BranchOrMain(request->name()));
  if (!status.ok()) return ToGrpcStatus(status.status());
  ToProto(status->info, response->mutable_branch());
  ToProto(status->base, response->mutable_base());
  response->set_changed_on_branch(status->changed_on_branch);
  response->set_changed_on_parent(status->changed_on_parent);
  response->set_merge_in_progress(status->merge_in_progress);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status BranchesService::Diff(grpc::ServerContext* call,
                                   const v1::DiffRequest* request,
                                   v1::DiffResponse* response) {
  {
    absl::StatusOr<Caller> caller = context_->Identify(*call);
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    if (grpc::Status s =
            context_->Require(*caller,
                              {Permission::kRead, DiffSpace(*request),
                               BranchOrMain(request->from().branch())},
                              call);
        !s.ok()) {
      return s;
    }
    if (grpc::Status s =
            context_->Require(*caller,
                              {Permission::kRead, DiffSpace(*request),
                               BranchOrMain(request->to().branch())},
                              call);
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<DiffRequest> diff = DiffRequestFrom(*request);
  if (!diff.ok()) return ToGrpcStatus(diff.status());
  absl::StatusOr<std::string> cursor =
      context_->cursors->Unseal("diff", request->cursor(), "cursor");
  if (!cursor.ok()) return ToGrpcStatus(cursor.status());
  diff->cursor = std::move(*cursor);
  size_t bytes = 0;
  absl::StatusOr<DiffPage> page =
      context_->engine->Diff(*diff, [&](const DiffEntry& entry) {
        v1::DiffEntry* out = response->add_entries();
        ToProto(entry, out);
        bytes += out->ByteSizeLong();
        return bytes < kPageBytesMax;
      });
  if (!page.ok()) return ToGrpcStatus(page.status());
  response->set_from_revision(page->from_revision);
  response->set_to_revision(page->to_revision);
  response->set_next_cursor(context_->cursors->Seal("diff", page->next_cursor));
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status BranchesService::Merge(grpc::ServerContext* call,
                                    const v1::MergeRequest* request,
                                    v1::MergeResponse* response) {
  {
    absl::StatusOr<Caller> caller = context_->Identify(*call);
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    if (grpc::Status s = context_->Require(
            *caller, {Permission::kWrite, kEverySpace, request->target()},
            call);
        !s.ok()) {
      return s;
    }
    if (grpc::Status s = context_->Require(
            *caller, {Permission::kRead, kEverySpace, request->source()}, call);
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<MergeRequest> merge = MergeRequestFrom(*request);
  if (!merge.ok()) return ToGrpcStatus(merge.status());
  absl::StatusOr<MergeResult> result = context_->engine->Merge(*merge);
  if (!result.ok()) return ToGrpcStatus(result.status());
  ToProto(*result, response);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status BranchesService::ListConflicts(
    grpc::ServerContext* call, const v1::ListConflictsRequest* request,
    v1::ListConflictsResponse* response) {
  if (grpc::Status s = context_->Allow(
          call, {Permission::kRead, kEverySpace, request->target()});
      !s.ok()) {
    return s;
  }
  const uint64_t limit =
      request->limit() == 0 || request->limit() > kPageItemsMax
          ? kPageItemsMax
          : request->limit();
  absl::StatusOr<std::string> cursor =
      context_->cursors->Unseal("conflicts", request->cursor(), "cursor");
  if (!cursor.ok()) return ToGrpcStatus(cursor.status());
  absl::StatusOr<ConflictPage> page = context_->engine->ListConflicts(
      BranchOrMain(request->target()), limit, *cursor,
      [&](const MergeConflict& conflict) {
        ToProto(conflict, response->add_conflicts());
        return true;
      });
  if (!page.ok()) return ToGrpcStatus(page.status());
  response->set_next_cursor(
      context_->cursors->Seal("conflicts", page->next_cursor));
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status BranchesService::ResolveConflict(
    grpc::ServerContext* call, const v1::ResolveConflictRequest* request,
    v1::ResolveConflictResponse* response) {
  if (grpc::Status s = context_->Allow(
          call, {Permission::kWrite, kEverySpace, request->target()});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<ResolveRequest> resolve = ResolveRequestFrom(*request);
  if (!resolve.ok()) return ToGrpcStatus(resolve.status());
  absl::Status status = context_->engine->ResolveConflict(*resolve);
  if (!status.ok()) return ToGrpcStatus(status);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status BranchesService::CommitMerge(grpc::ServerContext* call,
                                          const v1::CommitMergeRequest* request,
                                          v1::MergeResponse* response) {
  if (grpc::Status s = context_->Allow(
          call, {Permission::kWrite, kEverySpace, request->target()});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<MergeResult> result =
      context_->engine->CommitMerge(BranchOrMain(request->target()));
  if (!result.ok()) return ToGrpcStatus(result.status());
  ToProto(*result, response);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status BranchesService::AbortMerge(grpc::ServerContext* call,
                                         const v1::AbortMergeRequest* request,
                                         v1::AbortMergeResponse* response) {
  if (grpc::Status s = context_->Allow(
          call, {Permission::kWrite, kEverySpace, request->target()});
      !s.ok()) {
    return s;
  }
  absl::Status status =
      context_->engine->AbortMerge(BranchOrMain(request->target()));
  if (!status.ok()) return ToGrpcStatus(status);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status BranchesService::GetMergeStatus(
    grpc::ServerContext* call, const v1::GetMergeStatusRequest* request,
    v1::GetMergeStatusResponse* response) {
  if (grpc::Status s = context_->Allow(
          call, {Permission::kRead, kEverySpace, request->target()});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::optional<MergeStatus>> status =
      context_->engine->GetMergeStatus(BranchOrMain(request->target()));
  if (!status.ok()) return ToGrpcStatus(status.status());
  if (*status) {
    response->set_in_progress(true);
    response->set_source((*status)->source);
    ToProto((*status)->base, response->mutable_base());
    response->set_theirs_revision((*status)->theirs_revision);
    response->set_conflicts((*status)->conflicts);
    response->set_unresolved((*status)->unresolved);
  }
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

}  // namespace infinitedb::server
