#include "engine/branch/merger.h"

#include <map>

#include "absl/strings/str_format.h"
#include "engine/branch/branch_spaces.h"
#include "engine/branch/merge_apply.h"
#include "engine/common/coding.h"

namespace infinitedb::branch {
namespace {

// A merge whose target is written meanwhile plans again this many times.
constexpr int kMergeAttempts = 5;

absl::Status NoMergeInProgress(std::string_view target) {
  return absl::FailedPreconditionError(
      absl::StrFormat("target: no merge into '%s' is in progress", target));
}

absl::Status Raced(std::string_view target) {
  return absl::AbortedError(absl::StrFormat(
      "target: '%s' was written during each of %d attempts to merge; nothing "
      "was merged",
      target, kMergeAttempts));
}

using AddressKey = std::pair<std::string, Point>;

AddressKey KeyOf(const StoredConflict& conflict) {
  return {conflict.space, conflict.point};
}

}  // namespace

Merger::TargetGuard::TargetGuard(Merger* merger, std::string_view target)
    : merger_(merger), target_(target) {
  absl::MutexLock lock(&merger_->mu_);
  held_ = merger_->busy_.insert(target_).second;
}

Merger::TargetGuard::~TargetGuard() {
  if (!held_) return;
  absl::MutexLock lock(&merger_->mu_);
  merger_->busy_.erase(target_);
}

absl::Status Merger::TargetGuard::status() const {
  if (held_) return absl::OkStatus();
  return absl::AbortedError(absl::StrFormat(
      "target: another merge operation on '%s' is running; retry when it "
      "ends",
      target_));
}

absl::StatusOr<MergeConflict> ToMergeConflict(const StoredConflict& stored) {
  MergeConflict conflict;
  conflict.id = stored.id;
  conflict.kind = stored.kind;
  conflict.is_edge = stored.is_edge;
  conflict.resolution = stored.resolution;
  if (!stored.is_edge) {
    conflict.space = stored.space;
    conflict.point = stored.point;
    conflict.base = RecordOf(stored.base, stored.point);
    conflict.ours = RecordOf(stored.ours, stored.point);
    conflict.theirs = RecordOf(stored.theirs, stored.point);
    if (stored.resolution == Resolution::kValue) {
      conflict.resolved_value = stored.resolved_value;
    }
    return conflict;
  }
  conflict.edge_id = EdgeIdOf(stored.point);
  std::optional<Edge>* targets[] = {&conflict.base_edge, &conflict.ours_edge,
                                    &conflict.theirs_edge};
  const SideVersion* sides[] = {&stored.base, &stored.ours, &stored.theirs};
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::optional<Edge>> edge =
        EdgeOf(*sides[i], conflict.edge_id);
    if (!edge.ok()) return edge.status();
    *targets[i] = std::move(*edge);
  }
  if (stored.resolution == Resolution::kValue) {
    SideVersion value{true, stored.resolved_value, {}};
    absl::StatusOr<std::optional<Edge>> edge = EdgeOf(value, conflict.edge_id);
    if (!edge.ok()) return edge.status();
    conflict.resolved_edge = std::move(*edge);
  }
  return conflict;
}

absl::StatusOr<uint32_t> Merger::BranchId(std::string_view name,
                                          std::string_view field) const {
  absl::StatusOr<uint32_t> id = versions_->catalog().FindBranchId(name);
  if (!id.ok()) {
    return absl::NotFoundError(
        absl::StrFormat("%s: no branch named '%s'", field, name));
  }
  return id;
}

absl::Status Merger::EnsureMergeSpaces() {
  for (auto [name, dims] :
       {std::pair{kMergeStateSpace, 1}, std::pair{kMergeConflictsSpace, 2},
        std::pair{kMergeBasesSpace, 2}}) {
    if (absl::Status s = store_->EnsureSystemSpace(name, dims); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<MergeResult> Merger::Outcome(const MergeSides& sides,
                                            const MergePlan& plan,
                                            uint64_t conflict_limit) const {
  MergeResult result;
  result.base = {sides.base.branch, sides.base.ShownRevision()};
  result.ours_revision = sides.ours.revision;
  result.theirs_revision = sides.theirs.revision;
  result.fast_forward = plan.fast_forward;
  result.taken = plan.taken.size();
  result.unchanged = plan.unchanged;
  result.conflicts = plan.conflicts.size();
  for (const StoredConflict& stored : plan.conflicts) {
    if (result.conflict_sample.size() >= conflict_limit) break;
    absl::StatusOr<MergeConflict> conflict = ToMergeConflict(stored);
    if (!conflict.ok()) return conflict.status();
    result.conflict_sample.push_back(std::move(*conflict));
  }
  return result;
}

absl::StatusOr<MergeResult> Merger::Merge(const MergeRequest& request) {
  absl::StatusOr<uint32_t> source_id = BranchId(request.source, "source");
  if (!source_id.ok()) return source_id.status();
  absl::StatusOr<uint32_t> target_id = BranchId(request.target, "target");
  if (!target_id.ok()) return target_id.status();
  if (*source_id == *target_id) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "source: '%s' is also the target; a branch cannot merge into itself",
        request.source));
  }
  TargetGuard guard(this, request.target);
  if (!request.dry_run && !guard.status().ok()) return guard.status();
  absl::StatusOr<std::optional<StoredMergeState>> state =
      records_.State(request.target, *target_id);
  if (!state.ok()) return state.status();
  if (*state && !request.dry_run) {
    return absl::AbortedError(absl::StrFormat(
        "target: a merge of '%s' into '%s' is in progress; commit or abort it "
        "first",
        (*state)->source, request.target));
  }
  if (!request.dry_run) {
    if (absl::Status s = EnsureMergeSpaces(); !s.ok()) return s;
  }
  for (int attempt = 0; attempt < kMergeAttempts; ++attempt) {
    bool raced = false;
    absl::StatusOr<MergeResult> result =
        MergeOnce(request, *source_id, *target_id, &raced);
    if (!raced) return result;
  }
  return Raced(request.target);
}

absl::StatusOr<MergeResult> Merger::MergeOnce(const MergeRequest& request,
                                              uint32_t source_id,
                                              uint32_t target_id, bool* raced) {
  absl::StatusOr<Side> base =
      FindMergeBase(*versions_, records_, request.source, request.target);
  if (!base.ok()) return base.status();
  absl::StatusOr<Side> ours =
      ResolveSide(*versions_, request.target, 0, "target");
  if (!ours.ok()) return ours.status();
  absl::StatusOr<Side> theirs =
      ResolveSide(*versions_, request.source, 0, "source");
  if (!theirs.ok()) return theirs.status();
  MergeSides sides{std::move(*base), std::move(*ours), std::move(*theirs)};
  absl::StatusOr<MergePlan> plan = PlanMerge(*versions_, sides);
  if (!plan.ok()) return plan.status();
  absl::StatusOr<MergeResult> result =
      Outcome(sides, *plan, request.conflict_limit);
  if (!result.ok() || request.dry_run) return result;

  MergeRecordWrites system;
  if (!plan->conflicts.empty() &&
      request.strategy == MergeStrategy::kFailOnConflict) {
    const mvcc::BranchLevel& base = sides.base.chain.front();
    StoredMergeState state{request.source,
                           base.branch_id,
                           sides.base.revision,
                           sides.theirs.revision,
                           1,
                           base.hlc_cap,
                           base.floor};
    for (StoredConflict& conflict : plan->conflicts) {
      conflict.id = state.next_conflict_id++;
      system.PutConflict(target_id, conflict);
    }
    system.PutState(target_id, state);
    absl::StatusOr<CommitStamp> stamp =
        store_->Write(request.target, {}, system.mutations());
    if (!stamp.ok()) return stamp.status();
    result->in_progress = true;
    for (size_t i = 0; i < result->conflict_sample.size(); ++i) {
      result->conflict_sample[i].id = plan->conflicts[i].id;
    }
    return result;
  }
  MergeWrite write;
  for (const TakenChange& change : plan->taken) {
    if (absl::Status s = AddTaken(change, &write); !s.ok()) return s;
  }
  if (request.strategy == MergeStrategy::kPreferSource) {
    for (StoredConflict& conflict : plan->conflicts) {
      conflict.resolution = Resolution::kTheirs;
      if (absl::Status s = AddResolution(conflict, &write); !s.ok()) return s;
    }
  }
  system.PutBase(source_id, target_id, {source_id, sides.theirs.revision});
  absl::StatusOr<CommitStamp> stamp =
      store_->Write(request.target, write.batch, system.mutations());
  *raced = absl::IsFailedPrecondition(stamp.status());
  if (!stamp.ok()) return stamp.status();
  if (!write.empty()) result->stamp = *stamp;
  absl::StatusOr<std::vector<EdgeId>> dangling = store_->DanglingAmong(
      request.target, write.edges_put, write.records_deleted);
  if (!dangling.ok()) return dangling.status();
  result->dangling_edges = std::move(*dangling);
  return result;
}

absl::StatusOr<MergeResult> Merger::CommitMerge(std::string_view target) {
  absl::StatusOr<uint32_t> target_id = BranchId(target, "target");
  if (!target_id.ok()) return target_id.status();
  TargetGuard guard(this, target);
  if (!guard.status().ok()) return guard.status();
  for (int attempt = 0; attempt < kMergeAttempts; ++attempt) {
    absl::StatusOr<std::optional<StoredMergeState>> state =
        records_.State(target, *target_id);
    if (!state.ok()) return state.status();
    if (!*state) return NoMergeInProgress(target);
    bool raced = false;
    absl::StatusOr<MergeResult> result =
        CommitOnce(target, *target_id, **state, &raced);
    if (!raced) return result;
  }
  return Raced(target);
}

absl::StatusOr<MergeResult> Merger::CommitOnce(std::string_view target,
                                               uint32_t target_id,
                                               const StoredMergeState& state,
                                               bool* raced) {
  absl::StatusOr<uint32_t> source_id = BranchId(state.source, "source");
  if (!source_id.ok()) return source_id.status();
  absl::StatusOr<std::string> base_name =
      versions_->catalog().BranchName(state.base_branch_id);
  if (!base_name.ok()) return base_name.status();
  absl::StatusOr<Side> base = SideFrom(
      *versions_, *base_name,
      {0, state.base_revision, state.base_hlc_cap, state.base_floor}, "base");
  if (!base.ok()) return base.status();
  absl::StatusOr<Side> ours = ResolveSide(*versions_, target, 0, "target");
  if (!ours.ok()) return ours.status();
  absl::StatusOr<Side> theirs =
      SideAt(*versions_, state.source, state.theirs_revision, "source");
  if (!theirs.ok()) return theirs.status();
  MergeSides sides{std::move(*base), std::move(*ours), std::move(*theirs)};
  absl::StatusOr<MergePlan> plan = PlanMerge(*versions_, sides);
  if (!plan.ok()) return plan.status();
  absl::StatusOr<std::vector<StoredConflict>> stored =
      records_.Conflicts(target, target_id);
  if (!stored.ok()) return stored.status();
  std::map<AddressKey, const StoredConflict*> by_address;
  for (const StoredConflict& conflict : *stored) {
    by_address[KeyOf(conflict)] = &conflict;
  }

  // Each conflict now, with the resolution given for it; a conflict the
  // target changed since it was listed is new, and unresolved.
  MergeRecordWrites system;
  StoredMergeState next = state;
  uint64_t unresolved = 0, fresh = 0;
  for (StoredConflict& conflict : plan->conflicts) {
    auto known = by_address.find(KeyOf(conflict));
    if (known != by_address.end() &&
        known->second->ours.SameAs(conflict.ours)) {
      conflict.id = known->second->id;
      conflict.resolution = known->second->resolution;
      conflict.resolved_value = known->second->resolved_value;
    } else {
      conflict.id = known != by_address.end() ? known->second->id
                                              : next.next_conflict_id++;
      system.PutConflict(target_id, conflict);
      ++fresh;
    }
    if (known != by_address.end()) by_address.erase(known);
    if (conflict.resolution == Resolution::kUnresolved) ++unresolved;
  }
  if (unresolved > 0) {
    // Conflicts that no longer are go; new ones are recorded.
    for (const auto& [key, gone] : by_address) {
      system.DeleteConflict(target_id, gone->id);
    }
    if (!system.mutations().empty()) {
      system.PutState(target_id, next);
      absl::StatusOr<CommitStamp> stamp =
          store_->Write(target, {}, system.mutations());
      if (!stamp.ok()) return stamp.status();
    }
    return absl::FailedPreconditionError(absl::StrFormat(
        "target: %d conflict(s) of the merge of '%s' into '%s' remain "
        "unresolved (%d new since it began); resolve them, or abort the merge",
        unresolved, state.source, target, fresh));
  }
  MergeWrite write;
  for (const TakenChange& change : plan->taken) {
    if (absl::Status s = AddTaken(change, &write); !s.ok()) return s;
  }
  for (const StoredConflict& conflict : plan->conflicts) {
    if (absl::Status s = AddResolution(conflict, &write); !s.ok()) return s;
  }
  MergeRecordWrites done;
  for (const StoredConflict& conflict : *stored) {
    done.DeleteConflict(target_id, conflict.id);
  }
  done.DeleteState(target_id);
  done.PutBase(*source_id, target_id, {*source_id, sides.theirs.revision});
  absl::StatusOr<CommitStamp> stamp =
      store_->Write(target, write.batch, done.mutations());
  *raced = absl::IsFailedPrecondition(stamp.status());
  if (!stamp.ok()) return stamp.status();
  absl::StatusOr<MergeResult> result = Outcome(sides, *plan, 0);
  if (!result.ok()) return result.status();
  result->stamp = *stamp;
  absl::StatusOr<std::vector<EdgeId>> dangling =
      store_->DanglingAmong(target, write.edges_put, write.records_deleted);
  if (!dangling.ok()) return dangling.status();
  result->dangling_edges = std::move(*dangling);
  return result;
}

absl::Status Merger::AbortMerge(std::string_view target) {
  absl::StatusOr<uint32_t> target_id = BranchId(target, "target");
  if (!target_id.ok()) return target_id.status();
  TargetGuard guard(this, target);
  if (!guard.status().ok()) return guard.status();
  absl::StatusOr<std::optional<StoredMergeState>> state =
      records_.State(target, *target_id);
  if (!state.ok()) return state.status();
  if (!*state) return NoMergeInProgress(target);
  absl::StatusOr<std::vector<StoredConflict>> stored =
      records_.Conflicts(target, *target_id);
  if (!stored.ok()) return stored.status();
  MergeRecordWrites system;
  for (const StoredConflict& conflict : *stored) {
    system.DeleteConflict(*target_id, conflict.id);
  }
  system.DeleteState(*target_id);
  return store_->Write(target, {}, system.mutations()).status();
}

}  // namespace infinitedb::branch
