#include "engine/db/graph_store_impl.h"

#include "absl/strings/str_format.h"
#include "engine/commit/prepared_commit.h"
#include "engine/db/query_plan.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/point_key.h"

namespace infinitedb {

namespace {

constexpr size_t kSnapshotKeyRangesMax = 64;

class PinnedSpace : public graph::SpaceSnapshot {
 public:
  explicit PinnedSpace(version::Snapshot snapshot)
      : snapshot_(std::move(snapshot)) {}

  absl::StatusOr<std::optional<Record>> Get(const Point& point) override {
    if (static_cast<int>(point.size()) != snapshot_.dims) {
      return absl::InvalidArgumentError(
          absl::StrFormat("point: %d coordinates, the space has %d",
                          point.size(), snapshot_.dims));
    }
    return snapshot_.reader.Get(point);
  }

  absl::Status Scan(const Box& box, RecordVisitor visit) override {
    // Keys with ordered axes (the graph's spaces), and memtables, gain from
    // tight key ranges; sealed segments of other spaces skip what lies
    // outside the box with their R-trees.
    const size_t bytes = hilbert::KeyBytes(snapshot_.dims);
    std::vector<hilbert::KeyRange> ranges = {
        {std::string(bytes, '\0'), std::string(bytes, '\xff')}};
    if (mvcc::OrderedAxes(snapshot_.space_id) > 0 ||
        snapshot_.memtable_entries > 0) {
      ranges = mvcc::KeyRangesCovering(snapshot_.space_id, box,
                                       kSnapshotKeyRangesMax);
    }
    return snapshot_.reader.Scan(ranges, &box, /*include_tombstones=*/false,
                                 visit);
  }

 private:
  version::Snapshot snapshot_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<graph::SpaceSnapshot>>
GraphStoreImpl::OpenSnapshot(const ReadOptions& options,
                             std::string_view space) {
  absl::StatusOr<version::Snapshot> snapshot =
      versions_->NewSnapshot(options.branch, options.as_of, space);
  if (!snapshot.ok()) return snapshot.status();
  return std::make_unique<PinnedSpace>(std::move(*snapshot));
}

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
