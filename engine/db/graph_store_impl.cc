#include "engine/db/graph_store_impl.h"

#include "absl/strings/str_format.h"
#include "engine/commit/prepared_commit.h"
#include "engine/db/query_plan.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/point_key.h"

namespace infinitedb {

std::string GraphStoreImpl::CursorAfter(Revision revision, int dims,
                                        std::string_view key) {
  return EncodeCursor(revision, dims, mvcc::KeyHilbert(key));
}

absl::StatusOr<SpaceInfo> GraphStoreImpl::FindSpace(std::string_view name) {
  absl::StatusOr<manifest::SpaceEntry> space =
      versions_->catalog().FindSpace(name);
  if (!space.ok()) return space.status();
  return SpaceInfo{space->name, space->dims, space->created_revision};
}

absl::Status GraphStoreImpl::CheckBranch(std::string_view branch) {
  return versions_->catalog().FindBranchId(branch).status();
}

absl::StatusOr<SpaceInfo> GraphStoreImpl::EnsureSystemSpace(
    std::string_view name, int dims, int ordered_axes) {
  Catalog& catalog = versions_->catalog();
  absl::StatusOr<manifest::SpaceEntry> space = catalog.FindSpace(name);
  if (absl::IsNotFound(space.status())) {
    absl::StatusOr<SpaceInfo> created =
        catalog.CreateSpace(name, dims, versions_->visible_revision(),
                            /*system=*/true, ordered_axes);
    if (!absl::IsAlreadyExists(created.status())) return created;
    space = catalog.FindSpace(name);  // created by a concurrent writer
  }
  if (!space.ok()) return space.status();
  if (space->dims != dims || mvcc::OrderedAxes(space->id) != ordered_axes) {
    return absl::InternalError(absl::StrFormat(
        "system space '%s' has %d dimensions (%d ordered), expected %d (%d)",
        name, space->dims, mvcc::OrderedAxes(space->id), dims, ordered_axes));
  }
  return SpaceInfo{space->name, space->dims, space->created_revision};
}

absl::StatusOr<CommitStamp> GraphStoreImpl::Commit(
    std::string_view branch, std::span<const MutationView> mutations,
    std::string_view field_prefix) {
  absl::StatusOr<std::unique_ptr<PreparedCommit>> commit =
      PrepareCommit(*versions_, *options_, branch, mutations, field_prefix,
                    /*allow_system_spaces=*/true);
  if (!commit.ok()) return commit.status();
  return pipeline_->Commit(commit->get());
}

}  // namespace infinitedb
