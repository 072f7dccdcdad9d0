// Reads one space on several sides (a branch at a revision each) address by
// address: which addresses may differ between the sides, and each side's
// newest version of them. What diffs and three-way merges are made of.
//
// Two sides can differ only at an address that some branch of their chains
// wrote between the levels the sides read that branch at: above the lower
// floor, at or below the higher cap (a branch missing from a chain counts as
// read at 0; mvcc::BranchLevel). So the candidates are, per branch, the
// addresses it changed in (lowest cap, highest cap]: work that follows the
// changes, not the size of the data (segment blocks with nothing newer are
// skipped).
#ifndef INFINITEDB_ENGINE_BRANCH_SIDE_JOIN_H_
#define INFINITEDB_ENGINE_BRANCH_SIDE_JOIN_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/types.h"
#include "engine/version/version_set.h"

namespace infinitedb::branch {

// A side as read: the branch, its resolved revision, its chain of levels.
struct Side {
  std::string branch;
  Revision revision = 0;  // the read's cap on `branch`
  std::vector<mvcc::BranchLevel> chain;

  // The revision to show for this side: a base bounded by a fork's stamp
  // reads the branch's versions stamped at or below it, which on this
  // server are those up to the fork's revision (its floor) plus any
  // replicated later with older stamps; it is shown as the fork's revision.
  Revision ShownRevision() const {
    if (chain.empty() || chain.front().hlc_cap == UINT64_MAX) return revision;
    return chain.front().floor;
  }
};

// Resolves `as_of` (0 = the visible revision) and checks it can be read:
// OutOfRange beyond the visible revision or below the history horizon,
// NotFound for an unknown branch (naming `field`).
absl::StatusOr<Side> ResolveSide(const version::VersionSet& versions,
                                 std::string_view branch, Revision as_of,
                                 std::string_view field);
// The same at exactly `revision` (0 = before every commit).
absl::StatusOr<Side> SideAt(const version::VersionSet& versions,
                            std::string_view branch, Revision revision,
                            std::string_view field);

// The same with the branch itself read as `top` says (revision and stamp
// caps; mvcc::BranchLevel).
absl::StatusOr<Side> SideFrom(const version::VersionSet& versions,
                              std::string_view branch,
                              const mvcc::BranchLevel& top,
                              std::string_view field);

// One side's newest version of an address: absent when it has none or its
// newest is a tombstone.
struct SideVersion {
  bool live = false;
  std::string value;
  CommitStamp stamp;

  // Same content: both absent, or both live with equal bytes.
  bool SameAs(const SideVersion& other) const {
    return live == other.live && (!live || value == other.value);
  }
};

struct JoinedAddress {
  std::string key;  // the point's key within the space (mvcc/point_key.h)
  Point point;
  std::vector<SideVersion> sides;  // in the order of the sides given
};

class SideJoin {
 public:
  // `space` must exist. `box` (nullable) restricts to its points.
  static absl::StatusOr<SideJoin> Open(const version::VersionSet& versions,
                                       std::string_view space,
                                       std::vector<Side> sides, const Box* box);

  // The sorted keys of the addresses after `resume_after` (a key; empty =
  // from the start) at which some two sides may differ.
  absl::StatusOr<std::vector<std::string>> CandidateKeys(
      std::string_view resume_after) const;

  // Each side's newest version of `keys` (sorted, as CandidateKeys gives),
  // tombstones as absent.
  absl::StatusOr<std::vector<JoinedAddress>> Read(
      std::span<const std::string> keys) const;

  uint32_t space_id() const { return space_id_; }
  int dims() const { return dims_; }

 private:
  SideJoin(std::shared_ptr<const ReadState> state, uint32_t space_id, int dims,
           std::vector<Side> sides, std::optional<Box> box)
      : state_(std::move(state)),
        space_id_(space_id),
        dims_(dims),
        sides_(std::move(sides)),
        box_(std::move(box)) {}

  mvcc::SnapshotReader ReaderOf(const Side& side) const;

  std::shared_ptr<const ReadState> state_;
  uint32_t space_id_ = 0;
  int dims_ = 0;
  std::vector<Side> sides_;
  std::optional<Box> box_;
};

}  // namespace infinitedb::branch

#endif  // INFINITEDB_ENGINE_BRANCH_SIDE_JOIN_H_
