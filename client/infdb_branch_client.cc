// The branch methods of Client (infdb_client.h): calls of the Branches
// service past create and list (drop, status, diff, merge and the merge's
// conflicts). Writes are never retried; reads are, on UNAVAILABLE.
#include "client/infdb_client.h"

namespace infinitedb::client {

absl::Status Client::DropBranch(const std::string& name) {
  v1::DropBranchRequest request;
  request.set_name(name);
  return Once(branches_.get(), &v1::Branches::Stub::DropBranch, request)
      .status();
}

absl::StatusOr<v1::GetBranchStatusResponse> Client::GetBranchStatus(
    const std::string& name) {
  v1::GetBranchStatusRequest request;
  request.set_name(name);
  return RetriedRead(branches_.get(), &v1::Branches::Stub::GetBranchStatus,
                     request);
}

absl::StatusOr<v1::DiffResponse> Client::Diff(const v1::DiffRequest& request) {
  return RetriedRead(branches_.get(), &v1::Branches::Stub::Diff, request);
}

absl::StatusOr<v1::MergeResponse> Client::Merge(
    const v1::MergeRequest& request) {
  if (request.dry_run()) {
    return RetriedRead(branches_.get(), &v1::Branches::Stub::Merge, request);
  }
  return Once(branches_.get(), &v1::Branches::Stub::Merge, request);
}

absl::StatusOr<v1::ListConflictsResponse> Client::ListConflicts(
    const v1::ListConflictsRequest& request) {
  return RetriedRead(branches_.get(), &v1::Branches::Stub::ListConflicts,
                     request);
}

absl::Status Client::ResolveConflict(
    const v1::ResolveConflictRequest& request) {
  return Once(branches_.get(), &v1::Branches::Stub::ResolveConflict, request)
      .status();
}

absl::StatusOr<v1::MergeResponse> Client::CommitMerge(
    const std::string& target) {
  v1::CommitMergeRequest request;
  request.set_target(target);
  return Once(branches_.get(), &v1::Branches::Stub::CommitMerge, request);
}

absl::Status Client::AbortMerge(const std::string& target) {
  v1::AbortMergeRequest request;
  request.set_target(target);
  return Once(branches_.get(), &v1::Branches::Stub::AbortMerge, request)
      .status();
}

absl::StatusOr<v1::GetMergeStatusResponse> Client::GetMergeStatus(
    const std::string& target) {
  v1::GetMergeStatusRequest request;
  request.set_target(target);
  return RetriedRead(branches_.get(), &v1::Branches::Stub::GetMergeStatus,
                     request);
}

}  // namespace infinitedb::client
