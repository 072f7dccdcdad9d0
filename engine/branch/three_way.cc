#include "engine/branch/three_way.h"

namespace infinitedb::branch {

MergeAction DecideMerge(const SideVersion& base, const SideVersion& ours,
                        const SideVersion& theirs) {
  if (ours.SameAs(theirs)) return MergeAction::kUnchanged;
  if (ours.SameAs(base)) return MergeAction::kTakeTheirs;
  if (theirs.SameAs(base)) return MergeAction::kKeepOurs;
  return MergeAction::kConflict;
}

ConflictKind KindOfConflict(const SideVersion& base, const SideVersion& ours,
                            const SideVersion& theirs) {
  if (!ours.live) return ConflictKind::kDeletedInTarget;
  if (!theirs.live) return ConflictKind::kDeletedInSource;
  return base.live ? ConflictKind::kBothModified : ConflictKind::kBothAdded;
}

ChangeKind KindOfChange(const SideVersion& before, const SideVersion& after) {
  if (!before.live) return ChangeKind::kAdded;
  if (!after.live) return ChangeKind::kRemoved;
  return ChangeKind::kModified;
}

}  // namespace infinitedb::branch
