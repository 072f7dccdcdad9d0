// The thread-safe catalogue of spaces and branches: validates names, hands
// out internal ids, resolves a branch to its chain of ancestors for reads,
// and persists every change through the manifest before it takes effect.
//
// Readers never wait for the manifest's fdatasync: edits are serialised by
// edit_mu_, which is held across the manifest write, and each one publishes
// a new immutable state that readers pick up under the short state_mu_.
#ifndef INFINITEDB_ENGINE_VERSION_CATALOG_H_
#define INFINITEDB_ENGINE_VERSION_CATALOG_H_

#include <atomic>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/manifest/manifest.h"
#include "engine/mvcc/snapshot_reader.h"
#include "engine/public/types.h"

namespace infinitedb {

class Catalog {
 public:
  Catalog(std::unique_ptr<manifest::Manifest> manifest, size_t max_name_bytes);

  // `current` is the visible revision at the time of the call. Names with
  // kSystemSpacePrefix are refused unless `system`. A system space may have
  // up to kMaxStoredDims axes, the last `ordered_axes` of them ordered by
  // value in its keys (mvcc/point_key.h).
  absl::StatusOr<SpaceInfo> CreateSpace(std::string_view name, int dims,
                                        Revision current, bool system = false,
                                        int ordered_axes = 0);
  // Drops the space and its segments from the catalogue; returns the file
  // numbers of the segments, whose files the caller deletes.
  absl::StatusOr<std::vector<uint64_t>> DropSpace(std::string_view name);
  absl::StatusOr<manifest::SpaceEntry> FindSpace(std::string_view name) const;
  // Every space but the system ones, by name.
  std::vector<SpaceInfo> ListSpaces() const;
  // Dims of space `id`, or 0 if no such space exists (dropped).
  int SpaceDims(uint32_t id) const;
  // For log lines: 'name' of space `id`, or "#id (dropped)".
  std::string SpaceLabel(uint32_t id) const;

  // Forks `name` from `parent` at revision `fork`; with a fork stamp
  // (fork_hlc != 0), by the stamp rule of manifest::BranchEntry.
  absl::StatusOr<BranchInfo> CreateBranch(std::string_view name,
                                          std::string_view parent,
                                          Revision fork, uint64_t fork_hlc = 0,
                                          uint32_t fork_origin = 0);
  // Why CreateBranch(name, parent, ...) would be refused now (OK if not).
  absl::Status CheckNewBranch(std::string_view name,
                              std::string_view parent) const;
  // Moves existing branch `name`'s fork (to a newer creation of the same
  // name that arrived from another server); keeps its versions.
  absl::Status MoveFork(std::string_view name, std::string_view parent,
                        Revision fork, uint64_t fork_hlc, uint32_t fork_origin);
  absl::StatusOr<manifest::BranchEntry> FindBranch(std::string_view name) const;
  // Drops branch `name` from the catalogue (its versions are left for
  // compaction to remove); returns its id. FailedPrecondition for main or a
  // branch with children.
  absl::StatusOr<uint32_t> DropBranch(std::string_view name);
  absl::StatusOr<uint32_t> FindBranchId(std::string_view name) const;
  // NotFound unless branch `id` exists.
  absl::StatusOr<std::string> BranchName(uint32_t id) const;
  // The branch's newest commit (0: none, or unknown branch).
  Revision HeadRevision(std::string_view name) const;
  // Commits published on these branches, each at this revision (the
  // newest of them last); made durable with the next RecordSegments.
  void NoteHeads(std::span<const std::pair<uint32_t, Revision>> heads);
  bool HasBranchId(uint32_t id) const;
  std::vector<BranchInfo> ListBranches() const;
  // The levels to read for `branch` at `revision`: the branch itself, then
  // each ancestor capped by the fork below it (its stamp, or for a branch
  // without one its revision).
  absl::StatusOr<std::vector<mvcc::BranchLevel>> BranchChain(
      std::string_view branch, Revision revision) const;
  // The same with the branch itself read as `top` says (its branch_id is
  // ignored): how a merge reads the base on the common ancestor.
  absl::StatusOr<std::vector<mvcc::BranchLevel>> BranchChainFrom(
      std::string_view branch, const mvcc::BranchLevel& top) const;

  Revision revision_floor() const;
  // No HLC stamp in the segments is above this.
  uint64_t hlc_floor() const;
  // Reads below this revision are OutOfRange (compaction dropped history).
  Revision history_horizon() const;
  // Every revision <= this is in segment files.
  Revision sealed_revision() const;

  // A copy of the whole catalogue state.
  manifest::CatalogState State() const;

  // A new, unused segment file number.
  uint64_t AllocateFileNumber();

  // Durably records a seal or a compaction in one manifest write: segments
  // added and removed, the new sealed revision (0 = unchanged) and history
  // horizon (0 = unchanged) and HLC floor (0 = unchanged). Returns the added
  // segments it skipped because their space was dropped meanwhile: the caller
  // deletes their files.
  absl::StatusOr<std::vector<uint64_t>> RecordSegments(
      const std::vector<manifest::SegmentEntry>& added,
      const std::vector<uint64_t>& removed, Revision sealed_revision,
      Revision horizon, uint64_t hlc_floor = 0);

  // InvalidArgument naming `field` unless `name` is a valid space or branch
  // name (of at most max_name_bytes + `extra_bytes`).
  absl::Status CheckName(std::string_view field, std::string_view name,
                         size_t extra_bytes = 0) const;
  // How much longer than a user's names a system space's name may be.
  static constexpr size_t kSystemNameBytes = 64;

 private:
  using StatePtr = std::shared_ptr<const manifest::CatalogState>;

  // The published state: a fixed copy, safe to read without locks.
  StatePtr Published() const;
  // The parent entry of a branch `name` forked from `parent` in `state`,
  // or why there can be no such branch.
  absl::StatusOr<const manifest::BranchEntry*> NewBranchParent(
      const manifest::CatalogState& state, std::string_view name,
      std::string_view parent) const;
  // Writes `edits` to the manifest and publishes the state they lead to.
  absl::Status Apply(const std::vector<manifest::Edit>& edits)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(edit_mu_);

  const size_t max_name_bytes_;
  std::atomic<uint64_t> next_file_number_;

  // Serialises edits; held across the manifest's write and fdatasync.
  absl::Mutex edit_mu_;
  std::unique_ptr<manifest::Manifest> manifest_ ABSL_GUARDED_BY(edit_mu_);

  mutable absl::Mutex state_mu_;
  StatePtr state_ ABSL_GUARDED_BY(state_mu_);

  // Branch heads as commits publish them, ahead of the manifest's.
  mutable absl::Mutex heads_mu_;
  std::map<uint32_t, Revision> heads_ ABSL_GUARDED_BY(heads_mu_);
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_VERSION_CATALOG_H_
