// Exact reads against one snapshot: for every address, the newest version
// a level sees (revision and HLC caps), tombstones hiding, across a branch's
// chain of ancestors. The read path of Get, History, Scan and Query.
#ifndef INFINITEDB_ENGINE_MVCC_SNAPSHOT_READER_H_
#define INFINITEDB_ENGINE_MVCC_SNAPSHOT_READER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "engine/hilbert/hilbert.h"
#include "engine/mvcc/version_iterator.h"
#include "engine/public/types.h"

namespace infinitedb::mvcc {

// One branch of the chain from the branch read up to main: that branch's own
// versions with revision <= cap and an HLC stamp <= hlc_cap. The first level
// is the branch itself (cap = the read revision, no HLC cap), each next one
// its parent, capped by the fork's HLC stamp (catalog.h: BranchChain).
// Every version at a revision <= floor passes the HLC cap (floor <= cap), so
// two reads of one branch can differ only by its versions above the lower
// floor. When a level holds a version of an address, the levels after it
// are not looked at: a branch's own writes hide its parent's.
struct BranchLevel {
  uint32_t branch_id = 0;
  Revision cap = 0;
  uint64_t hlc_cap = UINT64_MAX;
  Revision floor = 0;

  bool Sees(Revision revision, uint64_t hlc) const {
    return revision <= cap && hlc <= hlc_cap;
  }
};

class SnapshotReader {
 public:
  // What a read will look at, so that sources can skip the rest: points
  // in `box` (nullptr = any), and, for a read of one address, only internal
  // keys in [first_key, last_key] (empty = any).
  struct SourceHint {
    const Box* box = nullptr;
    std::string_view first_key;
    std::string_view last_key;
    // Only versions with a revision above this matter (0 = any): a source
    // may skip blocks whose versions are all at or below it.
    Revision newer_than = 0;
  };
  // Makes a fresh iterator over the snapshot's pinned sources for the
  // versions of one branch (of the reader's space), following `hint`.
  using SourceFactory = std::function<std::unique_ptr<VersionIterator>(
      uint32_t branch_id, const SourceHint& hint)>;

  SnapshotReader(SourceFactory sources, std::vector<BranchLevel> chain,
                 uint32_t space_id, int dims);

  // The visible version at `point`, or nullopt if none or a tombstone.
  absl::StatusOr<std::optional<Record>> Get(const Point& point) const;

  // The newest version at `point`, tombstones included; nullopt if none.
  absl::StatusOr<std::optional<Record>> Newest(const Point& point) const;

  // Every version of `point` visible in the snapshot (tombstones included),
  // newest first.
  absl::StatusOr<std::vector<Record>> History(const Point& point) const;

  // Calls `visit` for each live record whose Hilbert key lies in `ranges`
  // (sorted, disjoint) and, if `box` is given, whose point lies in it, in
  // Hilbert order; with `include_tombstones`, deleted addresses' newest
  // versions too. `visit` returns false to stop early.
  absl::Status Scan(const std::vector<hilbert::KeyRange>& ranges,
                    const Box* box, bool include_tombstones,
                    absl::FunctionRef<bool(const VersionView&)> visit) const;

  // The addresses that branch `branch_id` itself (not its ancestors)
  // changed in (after, to]: for each one inside `ranges` (and `box`), the
  // branch's own newest version at or below `to`, tombstones included, in
  // key order. Work follows the versions above `after`, not the branch's
  // size: sources skip blocks with nothing newer.
  absl::Status ScanChanges(
      uint32_t branch_id, Revision after, Revision to,
      const std::vector<hilbert::KeyRange>& ranges, const Box* box,
      absl::FunctionRef<bool(const VersionView&)> visit) const;

 private:
  class LevelCursor;

  // Visits the versions of `point` that each level sees, level by level
  // (nearest first), newest first within one; `visit` returns false to stop.
  absl::Status VisitAddress(
      const Point& point,
      absl::FunctionRef<bool(const VersionView&)> visit) const;

  const SourceFactory sources_;
  const std::vector<BranchLevel> chain_;
  const uint32_t space_id_;
  const int dims_;
};

// Copies a view into an owning record.
Record ToRecord(const VersionView& version);

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_SNAPSHOT_READER_H_
