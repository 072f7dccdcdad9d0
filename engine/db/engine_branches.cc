// EngineImpl's branch work: dropping branches, branch status, diffs, and
// merges (delegated to branch::Merger and branch::Diff).
#include "engine/branch/differ.h"
#include "engine/db/engine_impl.h"

namespace infinitedb {

absl::Status EngineImpl::DropBranch(std::string_view name) {
  if (absl::Status s = versions_.catalog().CheckName("branch", name); !s.ok()) {
    return s;
  }
  if (absl::Status s = merger_.CheckNoMergeInvolves(name); !s.ok()) return s;
  if (name == kMainBranch) {
    return absl::FailedPreconditionError("branch: main cannot be dropped");
  }
  if (absl::Status s = catalog_events_->BranchDropping(name); !s.ok()) {
    return s;
  }
  return DropBranchHere(name);
}

absl::Status EngineImpl::DropBranchHere(std::string_view name) {
  if (absl::Status s = merger_.CheckNoMergeInvolves(name); !s.ok()) return s;
  // Reads of the branch's graph may have cached what it held; a branch of
  // the same name created later must not see it.
  graph::GraphCache& cache = graph_->cache();
  cache.BeginWriteAll();
  absl::StatusOr<uint32_t> dropped = versions_.catalog().DropBranch(name);
  cache.EndWriteAll(CurrentRevision());
  return dropped.status();
}

void EngineImpl::ClearGraphCache() {
  graph::GraphCache& cache = graph_->cache();
  cache.BeginWriteAll();
  cache.EndWriteAll(CurrentRevision());
}

absl::StatusOr<BranchStatus> EngineImpl::GetBranchStatus(
    std::string_view name) {
  return merger_.StatusOfBranch(name);
}

absl::StatusOr<DiffPage> EngineImpl::Diff(const DiffRequest& request,
                                          DiffVisitor visit) {
  return branch::Diff(versions_, request, visit);
}

absl::StatusOr<MergeResult> EngineImpl::Merge(const MergeRequest& request) {
  return merger_.Merge(request);
}

absl::StatusOr<ConflictPage> EngineImpl::ListConflicts(std::string_view target,
                                                       uint64_t limit,
                                                       std::string_view cursor,
                                                       ConflictVisitor visit) {
  return merger_.Conflicts(target, limit, cursor, visit);
}

absl::Status EngineImpl::ResolveConflict(const ResolveRequest& request) {
  return merger_.Resolve(request);
}

absl::StatusOr<MergeResult> EngineImpl::CommitMerge(std::string_view target) {
  return merger_.CommitMerge(target);
}

absl::Status EngineImpl::AbortMerge(std::string_view target) {
  return merger_.AbortMerge(target);
}

absl::StatusOr<std::optional<MergeStatus>> EngineImpl::GetMergeStatus(
    std::string_view target) {
  return merger_.Status(target);
}

}  // namespace infinitedb
