#include "engine/branch/merge_plan.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/branch/branch_spaces.h"
#include "engine/branch/three_way.h"

namespace infinitedb::branch {
namespace {

constexpr size_t kReadChunk = 1024;

// The nearest common ancestor of the two chains, read at the lower of the
// caps (revision and stamp) the two read it at.
absl::StatusOr<Side> CommonAncestor(const version::VersionSet& versions,
                                    const Side& source, const Side& target) {
  for (const mvcc::BranchLevel& level : source.chain) {
    for (const mvcc::BranchLevel& other : target.chain) {
      if (other.branch_id != level.branch_id) continue;
      absl::StatusOr<std::string> name =
          versions.catalog().BranchName(level.branch_id);
      if (!name.ok()) return name.status();
      mvcc::BranchLevel lower{level.branch_id, std::min(level.cap, other.cap),
                              std::min(level.hlc_cap, other.hlc_cap),
                              std::min(level.floor, other.floor)};
      return SideFrom(versions, *name, lower, "base");
    }
  }
  return absl::FailedPreconditionError(
      absl::StrFormat("source: '%s' and '%s' have no common ancestor",
                      source.branch, target.branch));
}

// The base recorded by the newest merge between the two, if its branch
// still exists.
absl::StatusOr<std::optional<Side>> RecordedBase(
    const version::VersionSet& versions, const MergeRecordReader& records,
    const Side& source, const Side& target) {
  const uint32_t a = source.chain.front().branch_id;
  const uint32_t b = target.chain.front().branch_id;
  std::optional<StoredBase> newest;
  for (const Side* on : {&source, &target}) {
    absl::StatusOr<std::optional<StoredBase>> base =
        records.Base(on->branch, a, b);
    if (!base.ok()) return base.status();
    if (*base && (!newest || (*base)->revision > newest->revision)) {
      newest = **base;
    }
  }
  if (!newest) return std::nullopt;
  absl::StatusOr<std::string> name =
      versions.catalog().BranchName(newest->branch_id);
  if (!name.ok()) return std::nullopt;  // dropped since
  absl::StatusOr<Side> side = SideAt(versions, *name, newest->revision, "base");
  if (!side.ok()) return side.status();
  return std::optional<Side>(std::move(*side));
}

absl::Status PlanSpace(const version::VersionSet& versions,
                       const std::string& space, const MergeSides& sides,
                       MergePlan* plan) {
  absl::StatusOr<SideJoin> join = SideJoin::Open(
      versions, space, {sides.base, sides.ours, sides.theirs}, nullptr);
  if (absl::IsNotFound(join.status())) return absl::OkStatus();
  if (!join.ok()) return join.status();
  absl::StatusOr<std::vector<std::string>> keys = join->CandidateKeys("");
  if (!keys.ok()) return keys.status();
  for (size_t first = 0; first < keys->size(); first += kReadChunk) {
    const size_t count = std::min(kReadChunk, keys->size() - first);
    absl::StatusOr<std::vector<JoinedAddress>> joined =
        join->Read(std::span(*keys).subspan(first, count));
    if (!joined.ok()) return joined.status();
    for (JoinedAddress& address : *joined) {
      SideVersion& base = address.sides[0];
      SideVersion& ours = address.sides[1];
      SideVersion& theirs = address.sides[2];
      if (!ours.SameAs(base)) plan->fast_forward = false;
      switch (DecideMerge(base, ours, theirs)) {
        case MergeAction::kUnchanged:
          if (!ours.SameAs(base)) ++plan->unchanged;
          break;
        case MergeAction::kKeepOurs:
          break;
        case MergeAction::kTakeTheirs:
          plan->taken.push_back({space, std::move(address.point),
                                 std::move(theirs), LiveRevision(ours)});
          break;
        case MergeAction::kConflict: {
          StoredConflict conflict;
          conflict.kind = KindOfConflict(base, ours, theirs);
          conflict.is_edge = IsEdgeSpace(space);
          conflict.space = space;
          conflict.point = std::move(address.point);
          conflict.base = std::move(base);
          conflict.ours = std::move(ours);
          conflict.theirs = std::move(theirs);
          plan->conflicts.push_back(std::move(conflict));
          break;
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Side> FindMergeBase(const version::VersionSet& versions,
                                   const MergeRecordReader& records,
                                   std::string_view source,
                                   std::string_view target) {
  absl::StatusOr<Side> source_side = ResolveSide(versions, source, 0, "source");
  if (!source_side.ok()) return source_side.status();
  absl::StatusOr<Side> target_side = ResolveSide(versions, target, 0, "target");
  if (!target_side.ok()) return target_side.status();
  absl::StatusOr<std::optional<Side>> recorded =
      RecordedBase(versions, records, *source_side, *target_side);
  if (!recorded.ok()) return recorded.status();
  if (*recorded) return std::move(**recorded);
  return CommonAncestor(versions, *source_side, *target_side);
}

absl::StatusOr<MergePlan> PlanMerge(const version::VersionSet& versions,
                                    const MergeSides& sides) {
  MergePlan plan;
  for (const std::string& space : ComparedSpaces(versions.catalog())) {
    if (absl::Status s = PlanSpace(versions, space, sides, &plan); !s.ok()) {
      return s;
    }
  }
  return plan;
}

}  // namespace infinitedb::branch
