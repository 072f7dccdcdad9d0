#include "engine/replication/replication_applier.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_format.h"
#include "engine/commit/write_bounds.h"
#include "engine/common/coding.h"
#include "engine/mvcc/point_key.h"
#include "engine/replication/auth_records.h"

namespace infinitedb::replication {
namespace {

std::string EncodeCursorValue(Revision revision) {
  std::string value;
  PutFixed64(&value, revision);
  return value;
}

bool AddressLess(const ReplicatedCommit::Candidate& a,
                 const ReplicatedCommit::Candidate& b) {
  return std::tie(a.branch_id, a.space.id, a.hilbert_key) <
         std::tie(b.branch_id, b.space.id, b.hilbert_key);
}

}  // namespace

absl::StatusOr<Revision> ReplicationApplier::Cursor(
    uint32_t source_node) const {
  absl::StatusOr<version::Snapshot> snapshot =
      versions_->NewSnapshot(kMainBranch, 0, kReplicationCursorSpace);
  if (absl::IsNotFound(snapshot.status())) return 0;  // no space yet
  if (!snapshot.ok()) return snapshot.status();
  absl::StatusOr<std::optional<Record>> record =
      snapshot->reader.Get(Point{source_node});
  if (!record.ok()) return record.status();
  if (!record->has_value() || (*record)->value.size() != 8) return 0;
  return DecodeFixed64((*record)->value.data());
}

absl::Status ReplicationApplier::CheckOps(std::span<const ChangeOp> ops) const {
  // The same bounds as a local batch.
  commit::WriteBounds bounds(*options_, "ops");
  if (absl::Status s = bounds.CheckCount(ops.size()); !s.ok()) return s;
  const uint64_t now_ms =
      static_cast<uint64_t>(absl::ToUnixMillis(options_->env.clock->Now()));
  for (size_t i = 0; i < ops.size(); ++i) {
    const ChangeOp& op = ops[i];
    if (op.space.starts_with(kSystemSpacePrefix)) {
      if (absl::Status s = CheckSystemOp(op, i); !s.ok()) return s;
    }
    if (op.point.empty() || op.point.size() > kMaxDims) {
      return absl::InvalidArgumentError(
          absl::StrFormat("ops[%d].point: %d coordinates; a point has 1 to %d",
                          i, op.point.size(), kMaxDims));
    }
    if (op.origin == 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("ops[%d].origin: must not be 0", i));
    }
    const uint64_t stamped_ms = HlcPhysicalMs(op.hlc);
    if (options_->max_clock_skew_ms != 0 &&
        stamped_ms > now_ms + options_->max_clock_skew_ms) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "ops[%d].hlc: stamped %d ms ahead of this server's clock, more "
          "than max_clock_skew_ms (%d); check the clock of node %d",
          i, stamped_ms - now_ms, options_->max_clock_skew_ms, op.origin));
    }
    absl::Status status =
        bounds.Add([i] { return absl::StrFormat("ops[%d].value", i); },
                   op.value.size(), op.point.size());
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status ReplicationApplier::CheckSystemOp(const ChangeOp& op,
                                               size_t index) const {
  const std::string field = absl::StrFormat("ops[%d]", index);
  if (op.space == kAuthSpace) return CheckAuthOp(op, field);
  if (op.space == kCatalogSpace && catalog_ != nullptr) {
    if (op.deleted || op.branch != kMainBranch ||
        op.point.size() != kCatalogDims) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: a catalogue event is a put on main at %d coordinates", field,
          kCatalogDims));
    }
    return DecodeCatalogEvent(op.value, field + ".value").status();
  }
  if (derived_ == nullptr || !derived_->Derives(op.space)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.space: '%s' is a system space", field, op.space));
  }
  return derived_->Check(op, field);
}

absl::StatusOr<std::optional<std::vector<ChangeOp>>>
ReplicationApplier::ReceiveCatalogEvents(std::span<const ChangeOp> ops,
                                         uint64_t* stale) {
  std::vector<const ChangeOp*> events;
  for (const ChangeOp& op : ops) {
    if (op.space == kCatalogSpace) events.push_back(&op);
  }
  std::sort(events.begin(), events.end(),
            [](const ChangeOp* a, const ChangeOp* b) {
              return std::tie(a->hlc, a->origin) < std::tie(b->hlc, b->origin);
            });
  for (const ChangeOp* op : events) {
    absl::StatusOr<CatalogEvent> event = DecodeCatalogEvent(op->value, "op");
    if (!event.ok()) return event.status();  // checked before
    absl::Status status =
        catalog_->Receive(StampedEvent(std::move(*event), op->hlc, op->origin),
                          op->hlc, op->origin);
    if (!status.ok()) return status;
  }
  std::vector<bool> dropped(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    dropped[i] = ops[i].space != kCatalogSpace && catalog_->Dropped(ops[i]);
  }
  const auto count = std::count(dropped.begin(), dropped.end(), true);
  if (count == 0) return std::nullopt;
  *stale += count;
  std::vector<ChangeOp> kept;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!dropped[i]) kept.push_back(ops[i]);
  }
  return kept;
}

absl::StatusOr<ReplicationApplyResult> ReplicationApplier::Apply(
    uint32_t source_node, Revision source_revision,
    std::span<const ChangeOp> ops) {
  if (source_node == 0) {
    return absl::InvalidArgumentError("source_node: must not be 0");
  }
  // Check everything before creating any missing space or branch.
  absl::Status status = CheckOps(ops);
  if (!status.ok()) return status;
  uint64_t stale_in_batch = 0;
  std::vector<ChangeOp> kept;  // when catalogue events left some ops out
  if (catalog_ != nullptr) {
    absl::StatusOr<std::optional<std::vector<ChangeOp>>> received =
        ReceiveCatalogEvents(ops, &stale_in_batch);
    if (!received.ok()) return received.status();
    if (received->has_value()) {
      kept = std::move(**received);
      ops = kept;
    }
  }
  absl::StatusOr<std::unique_ptr<ReplicatedCommit>> commit =
      BuildCommit(source_node, source_revision, ops, &stale_in_batch);
  if (!commit.ok()) return commit.status();
  const bool derives =
      derived_ != nullptr &&
      std::any_of(ops.begin(), ops.end(), [&](const ChangeOp& op) {
        return derived_->Derives(op.space);
      });
  if (derives) derived_->CommitStarting();
  absl::StatusOr<CommitStamp> stamp = pipeline_->Commit(commit->get());
  if (derives) derived_->CommitEnded();
  if (!stamp.ok()) return stamp.status();
  ReplicationApplyResult result;
  result.stamp = *stamp;
  result.applied = (*commit)->applied;
  result.stale = (*commit)->stale + stale_in_batch;
  return result;
}

absl::StatusOr<std::unique_ptr<ReplicatedCommit>>
ReplicationApplier::BuildCommit(uint32_t source_node, Revision source_revision,
                                std::span<const ChangeOp> ops,
                                uint64_t* stale_in_batch) {
  Catalog& catalog = versions_->catalog();
  auto commit = std::make_unique<ReplicatedCommit>(versions_);
  commit->derived = derived_;
  absl::StatusOr<manifest::SpaceEntry> cursor_space =
      catalog.FindSpace(kReplicationCursorSpace);
  if (absl::IsNotFound(cursor_space.status())) {
    absl::StatusOr<SpaceInfo> created =
        catalog.CreateSpace(kReplicationCursorSpace, 1,
                            versions_->visible_revision(), /*system=*/true);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
      return created.status();
    }
    cursor_space = catalog.FindSpace(kReplicationCursorSpace);
  }
  if (!cursor_space.ok()) return cursor_space.status();
  absl::StatusOr<uint32_t> main_id = catalog.FindBranchId(kMainBranch);
  if (!main_id.ok()) return main_id.status();
  commit->main_branch_id = *main_id;
  commit->cursor_space_id = cursor_space->id;
  commit->cursor_point = {source_node};
  commit->cursor_value = EncodeCursorValue(source_revision);
  commit->cursor_hilbert_key =
      mvcc::PointKey(cursor_space->id, commit->cursor_point);

  absl::Status status = CreateMissing(ops);
  if (!status.ok()) return status;
  uint64_t max_hlc = 0;
  std::vector<ReplicatedCommit::Candidate> candidates;
  candidates.reserve(ops.size());
  // Batches usually name few branches and spaces: look each up once.
  std::map<std::string_view, uint32_t> branch_ids;
  std::map<std::string_view, manifest::SpaceEntry> spaces;
  for (size_t i = 0; i < ops.size(); ++i) {
    const ChangeOp& op = ops[i];
    auto branch_id = branch_ids.find(op.branch);
    if (branch_id == branch_ids.end()) {
      absl::StatusOr<uint32_t> found = catalog.FindBranchId(op.branch);
      if (!found.ok()) return found.status();
      branch_id = branch_ids.emplace(op.branch, *found).first;
    }
    auto space = spaces.find(op.space);
    if (space == spaces.end()) {
      absl::StatusOr<manifest::SpaceEntry> found = SpaceFor(op, i);
      if (!found.ok()) return found.status();
      space = spaces.emplace(op.space, *found).first;
    }  // every op's dimensions were checked by CreateMissing
    candidates.push_back({&op, branch_id->second, space->second,
                          mvcc::PointKey(space->second.id, op.point)});
    candidates.back().derives =
        derived_ != nullptr && derived_->Derives(op.space);
    max_hlc = std::max(max_hlc, op.hlc);
  }
  // One candidate per address: the one last-writer-wins picks.
  std::stable_sort(candidates.begin(), candidates.end(), AddressLess);
  for (auto& candidate : candidates) {
    if (commit->candidates.empty() ||
        AddressLess(commit->candidates.back(), candidate)) {
      commit->candidates.push_back(std::move(candidate));
      continue;
    }
    ++*stale_in_batch;
    ReplicatedCommit::Candidate& kept = commit->candidates.back();
    if (std::tie(candidate.op->hlc, candidate.op->origin) >
        std::tie(kept.op->hlc, kept.op->origin)) {
      kept = std::move(candidate);
    }
  }
  // Decide last-writer-wins here, off the commit thread, against what is
  // stored now (before the clock observes the batch).
  status = commit->Resolve(pipeline_->hlc());
  if (!status.ok()) return status;
  // Local writes from now on are newer than anything received.
  pipeline_->hlc().Observe(max_hlc);
  return commit;
}

absl::Status ReplicationApplier::CreateMissing(std::span<const ChangeOp> ops) {
  Catalog& catalog = versions_->catalog();
  // First decide everything, creating nothing, so that a bad batch leaves
  // no space or branch behind.
  std::map<std::string, std::pair<size_t, size_t>> new_spaces;  // op, dims
  std::map<std::string, size_t> new_branches;                   // op
  std::map<std::string_view, size_t> existing_spaces;           // name -> dims
  std::set<std::string_view> existing_branches;
  for (size_t i = 0; i < ops.size(); ++i) {
    const ChangeOp& op = ops[i];
    if (auto known = existing_spaces.find(op.space);
        known != existing_spaces.end() && known->second == op.point.size() &&
        existing_branches.contains(op.branch)) {
      continue;  // checked with an earlier op
    }
    if (catalog.FindBranchId(op.branch).ok()) {
      existing_branches.insert(op.branch);
    } else if (!new_branches.contains(op.branch)) {
      absl::Status valid =
          catalog.CheckName(absl::StrFormat("ops[%d].branch", i), op.branch);
      if (!valid.ok()) return valid;
      new_branches[op.branch] = i;
    }
    // Derived data's spaces are created by its owner (CreateSpaces).
    if (op.space.starts_with(kSystemSpacePrefix)) continue;
    if (catalog.FindSpace(op.space).ok()) {
      absl::StatusOr<manifest::SpaceEntry> checked = SpaceFor(op, i);
      if (!checked.ok()) return checked.status();
      existing_spaces[op.space] = op.point.size();
      continue;
    }
    auto [known, inserted] =
        new_spaces.try_emplace(op.space, i, op.point.size());
    if (inserted) {
      absl::Status valid =
          catalog.CheckName(absl::StrFormat("ops[%d].space", i), op.space);
      if (!valid.ok()) return valid;
    } else if (known->second.second != op.point.size()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "ops[%d].point: %d coordinates, but ops[%d] writes %d to the new "
          "space '%s'",
          i, op.point.size(), known->second.first, known->second.second,
          op.space));
    }
  }
  const Revision current = versions_->visible_revision();
  for (const auto& [name, op] : new_branches) {
    absl::StatusOr<BranchInfo> created =
        catalog.CreateBranch(name, kMainBranch, current);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
      return absl::Status(
          created.status().code(),
          absl::StrFormat("ops[%d].%s", op, created.status().message()));
    }
  }
  for (const auto& [name, op_and_dims] : new_spaces) {
    absl::StatusOr<SpaceInfo> created = catalog.CreateSpace(
        name, static_cast<int>(op_and_dims.second), current);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
      return absl::Status(created.status().code(),
                          absl::StrFormat("ops[%d].%s", op_and_dims.first,
                                          created.status().message()));
    }
  }
  for (const ChangeOp& op : ops) {
    if (!op.space.starts_with(kSystemSpacePrefix)) continue;
    if (derived_ == nullptr || !derived_->Derives(op.space)) continue;
    if (absl::Status s = derived_->CreateSpaces(op); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<manifest::SpaceEntry> ReplicationApplier::SpaceFor(
    const ChangeOp& op, size_t index) const {
  absl::StatusOr<manifest::SpaceEntry> space =
      versions_->catalog().FindSpace(op.space);
  if (!space.ok()) return space.status();
  if (static_cast<size_t>(space->dims) != op.point.size()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "ops[%d].point: space '%s' has %d dimensions here, the change has %d "
        "coordinates",
        index, op.space, space->dims, op.point.size()));
  }
  return space;
}

}  // namespace infinitedb::replication
