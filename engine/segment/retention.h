// Which versions a compaction keeps. Versions of one address on one branch
// arrive newest first. Every version newer than the horizon is kept; below
// it, the newest version at or below the horizon is kept, and so is the
// newest version at or below each pinned revision (the fork revisions of the
// branch's children, which read it capped there), and for each pinned stamp
// (the fork stamps of children that read it by stamp) the newest version at
// or below the horizon among those stamped at or below it. A kept tombstone
// below the horizon is dropped when nothing older is kept, the branch has no
// parent (on a child branch it still hides the parent's versions) and it is not
// the address's newest version (which last-writer-wins replication compares
// late writes against). Every version of a dropped branch is dropped.
#ifndef INFINITEDB_ENGINE_SEGMENT_RETENTION_H_
#define INFINITEDB_ENGINE_SEGMENT_RETENTION_H_

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "engine/public/types.h"

namespace infinitedb::segment {

struct RetentionPolicy {
  // 0 keeps every version.
  Revision horizon = 0;
  // Per branch id: revisions at which some child branch reads it.
  std::map<uint32_t, std::vector<Revision>> pins;
  // Per branch id: HLC stamps at or below which some child branch reads it.
  std::map<uint32_t, std::vector<uint64_t>> hlc_pins;
  // Branches without a parent.
  std::set<uint32_t> root_branches;
  // Every branch that exists; the versions of others (dropped branches) are
  // all dropped. Empty = keep every branch's.
  std::set<uint32_t> live_branches;
};

class RetentionFilter {
 public:
  explicit RetentionFilter(const RetentionPolicy& policy) : policy_(policy) {}

  // Decides for each version of one address (revisions descending, with
  // their tombstone flags and stamps) whether it is kept.
  std::vector<bool> Decide(uint32_t branch_id,
                           const std::vector<Revision>& revisions,
                           const std::vector<bool>& deleted,
                           const std::vector<uint64_t>& hlcs) const;

 private:
  // Keeps, per stamp pin of the branch, the newest version at or below the
  // horizon stamped at or below the pin.
  void KeepStampPins(uint32_t branch_id, const std::vector<Revision>& revisions,
                     const std::vector<uint64_t>& hlcs,
                     std::vector<bool>* keep) const;

  const RetentionPolicy& policy_;
};

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_RETENTION_H_
