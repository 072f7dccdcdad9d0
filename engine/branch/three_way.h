// The three-way rules of a merge, per address or edge, from the versions of
// the merge base, ours (the target) and theirs (the source):
//
//   ours == theirs               unchanged (both changed alike, both
//                                deleted, or neither changed)
//   ours == base                 take theirs (only the source changed)
//   theirs == base               keep ours (only the target changed)
//   otherwise                    a conflict: both modified, both added,
//                                or deleted on one side and modified on
//                                the other
//
// "==" compares content: absent (no version, or a tombstone) or live with
// the same bytes.
#ifndef INFINITEDB_ENGINE_BRANCH_THREE_WAY_H_
#define INFINITEDB_ENGINE_BRANCH_THREE_WAY_H_

#include "engine/branch/side_join.h"
#include "engine/public/branches.h"

namespace infinitedb::branch {

enum class MergeAction { kUnchanged, kTakeTheirs, kKeepOurs, kConflict };

MergeAction DecideMerge(const SideVersion& base, const SideVersion& ours,
                        const SideVersion& theirs);

// The kind of a conflict (DecideMerge gave kConflict).
ConflictKind KindOfConflict(const SideVersion& base, const SideVersion& ours,
                            const SideVersion& theirs);

// The kind of change from `before` to `after` (which differ).
ChangeKind KindOfChange(const SideVersion& before, const SideVersion& after);

}  // namespace infinitedb::branch

#endif  // INFINITEDB_ENGINE_BRANCH_THREE_WAY_H_
