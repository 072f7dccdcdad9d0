// What a merge of a source into a target would do: the merge base, and per
// address and edge the three-way decision (three_way.h): what it takes from
// the source and where it conflicts. Reads only.
//
// The merge base of two branches is where they last agreed: the source as
// merged by the newest merge between the two (in either direction), else
// their nearest common ancestor as of the earlier of the revisions the two
// see it at (for a branch and its parent: the parent at the fork).
#ifndef INFINITEDB_ENGINE_BRANCH_MERGE_PLAN_H_
#define INFINITEDB_ENGINE_BRANCH_MERGE_PLAN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/branch/merge_records.h"
#include "engine/branch/side_join.h"
#include "engine/version/version_set.h"

namespace infinitedb::branch {

struct MergeSides {
  Side base;
  Side ours;    // the target
  Side theirs;  // the source
};

absl::StatusOr<Side> FindMergeBase(const version::VersionSet& versions,
                                   const MergeRecordReader& records,
                                   std::string_view source,
                                   std::string_view target);

// An address or edge the merge takes from the source.
struct TakenChange {
  std::string space;
  Point point;
  SideVersion theirs;
  Revision ours_revision = 0;  // the target's live version (0 = none)
};

struct MergePlan {
  bool fast_forward = true;  // the target did not change since the base
  uint64_t unchanged = 0;    // changed on both sides alike
  std::vector<TakenChange> taken;
  std::vector<StoredConflict> conflicts;  // ids not assigned
};

absl::StatusOr<MergePlan> PlanMerge(const version::VersionSet& versions,
                                    const MergeSides& sides);

// The revision a precondition on the side's version names (0 = none live).
inline Revision LiveRevision(const SideVersion& side) {
  return side.live ? side.stamp.revision : 0;
}

}  // namespace infinitedb::branch

#endif  // INFINITEDB_ENGINE_BRANCH_MERGE_PLAN_H_
