// The replication half of EngineImpl: the change stream read back from the
// WAL, and replicated changes applied with last-writer-wins together with
// their source's cursor, in one revision.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "absl/strings/str_format.h"
#include "engine/db/engine_impl.h"
#include "engine/wal/wal_change_reader.h"

namespace infinitedb {
namespace {

// (hlc, origin): the order last-writer-wins decides by.
std::tuple<uint64_t, uint32_t> WriterOrder(uint64_t hlc, uint32_t origin) {
  return {hlc, origin};
}

std::string EncodeCursorValue(Revision revision) {
  std::string value;
  PutFixed64(&value, revision);
  return value;
}

}  // namespace

// A replicated commit on its way through the group committer.
struct EngineImpl::ReplicatedCommit : PreparedCommit {
  struct Candidate {
    const ChangeOp* op = nullptr;
    uint32_t branch_id = 0;
    manifest::SpaceEntry space;
    std::string hilbert_key;
  };
  // One per address, sorted by (branch, space, Hilbert key).
  std::vector<Candidate> candidates;
  uint32_t main_branch_id = 0;
  uint32_t cursor_space_id = 0;
  Point cursor_point;
  std::string cursor_value;
  std::string cursor_hilbert_key;
  uint64_t stale = 0;  // filled by PrepareReplicated
};

absl::StatusOr<ChangeBatch> EngineImpl::ReadChanges(const ChangeCursor& from,
                                                    size_t max_bytes) {
  const Revision visible = CurrentRevision();
  std::optional<manifest::CatalogState> catalog;  // copied once, if needed
  ChangeBatch batch;
  batch.next = from;
  // Commits that hold only system operations (replication cursors) yield
  // no change set: read on until one does or the log is exhausted.
  while (batch.changes.empty() && batch.next.after < visible) {
    absl::StatusOr<wal::ChangeLogBatch> read = wal::ReadChangeLog(
        wal_segments_,
        {batch.next.after, batch.next.wal_segment, batch.next.wal_offset},
        visible, max_bytes);
    if (!read.ok()) return read.status();
    if (read->next.after == batch.next.after) break;  // no progress
    batch.next = {read->next.after, read->next.segment, read->next.offset};
    if (read->commits.empty()) continue;
    if (!catalog) catalog = catalog_->State();
    AppendChangeSets(*catalog, read->commits, &batch.changes);
  }
  return batch;
}

void EngineImpl::AppendChangeSets(const manifest::CatalogState& catalog,
                                  std::vector<wal::WalCommit>& commits,
                                  std::vector<ChangeSet>* changes) {
  for (wal::WalCommit& commit : commits) {
    ChangeSet change;
    change.revision = commit.stamp.revision;
    for (wal::WalOp& op : commit.ops) {
      auto space = catalog.spaces.find(op.space_id);
      auto branch = catalog.branches.find(op.branch_id);
      // Dropped spaces and the engine's own spaces are not streamed.
      if (space == catalog.spaces.end() || branch == catalog.branches.end() ||
          space->second.name.starts_with(kSystemSpacePrefix)) {
        continue;
      }
      change.ops.push_back({branch->second.name, space->second.name,
                            std::move(op.point), op.kind == wal::kDeleteOp,
                            std::move(op.value), op.hlc, op.origin});
    }
    if (!change.ops.empty()) changes->push_back(std::move(change));
  }
}

Revision EngineImpl::WaitForRevision(Revision after, int64_t timeout_ms) {
  auto beyond = [this, after] { return visible_revision_.load() > after; };
  if (beyond()) return CurrentRevision();
  publish_waiters_.fetch_add(1);
  {
    absl::MutexLock lock(&publish_mu_);
    publish_mu_.AwaitWithTimeout(absl::Condition(&beyond),
                                 absl::Milliseconds(timeout_ms));
  }
  publish_waiters_.fetch_sub(1);
  return CurrentRevision();
}

absl::StatusOr<Revision> EngineImpl::ReplicationCursor(uint32_t source_node) {
  ReadOptions options;
  absl::StatusOr<std::optional<Record>> record =
      Get(options, kReplicationCursorSpace, Point{source_node});
  if (absl::IsNotFound(record.status())) return 0;  // no space yet
  if (!record.ok()) return record.status();
  if (!record->has_value() || (*record)->value.size() != 8) return 0;
  return DecodeFixed64((*record)->value.data());
}

absl::Status EngineImpl::CreateMissingForReplication(
    std::span<const ChangeOp> ops) {
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
    if (catalog_->FindBranchId(op.branch).ok()) {
      existing_branches.insert(op.branch);
    } else if (!new_branches.contains(op.branch)) {
      absl::Status valid =
          catalog_->CheckName(absl::StrFormat("ops[%d].branch", i), op.branch);
      if (!valid.ok()) return valid;
      new_branches[op.branch] = i;
    }
    absl::StatusOr<manifest::SpaceEntry> space = catalog_->FindSpace(op.space);
    if (space.ok()) {
      absl::StatusOr<manifest::SpaceEntry> checked = SpaceForReplication(op, i);
      if (!checked.ok()) return checked.status();
      existing_spaces[op.space] = op.point.size();
      continue;
    }
    auto [known, inserted] =
        new_spaces.try_emplace(op.space, i, op.point.size());
    if (inserted) {
      absl::Status valid =
          catalog_->CheckName(absl::StrFormat("ops[%d].space", i), op.space);
      if (!valid.ok()) return valid;
    } else if (known->second.second != op.point.size()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "ops[%d].point: %d coordinates, but ops[%d] writes %d to the new "
          "space '%s'",
          i, op.point.size(), known->second.first, known->second.second,
          op.space));
    }
  }
  for (const auto& [name, op] : new_branches) {
    absl::StatusOr<BranchInfo> created =
        catalog_->CreateBranch(name, kMainBranch, CurrentRevision());
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
      return absl::Status(
          created.status().code(),
          absl::StrFormat("ops[%d].%s", op, created.status().message()));
    }
  }
  for (const auto& [name, op_and_dims] : new_spaces) {
    absl::StatusOr<SpaceInfo> created = catalog_->CreateSpace(
        name, static_cast<int>(op_and_dims.second), CurrentRevision());
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
      return absl::Status(created.status().code(),
                          absl::StrFormat("ops[%d].%s", op_and_dims.first,
                                          created.status().message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<manifest::SpaceEntry> EngineImpl::SpaceForReplication(
    const ChangeOp& op, size_t index) {
  absl::StatusOr<manifest::SpaceEntry> space = catalog_->FindSpace(op.space);
  if (!space.ok()) return space.status();
  if (static_cast<size_t>(space->dims) != op.point.size()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "ops[%d].point: space '%s' has %d dimensions here, the change has %d "
        "coordinates",
        index, op.space, space->dims, op.point.size()));
  }
  return space;
}

absl::StatusOr<ReplicationApplyResult> EngineImpl::ApplyReplicated(
    uint32_t source_node, Revision source_revision,
    std::span<const ChangeOp> ops) {
  if (source_node == 0) {
    return absl::InvalidArgumentError("source_node: must not be 0");
  }
  if (ops.size() > options_.max_batch_mutations) {
    return absl::InvalidArgumentError(
        absl::StrFormat("ops: %d operations exceed the limit of %d", ops.size(),
                        options_.max_batch_mutations));
  }
  // Check everything before creating any missing space or branch.
  const uint64_t now_ms =
      static_cast<uint64_t>(absl::ToUnixMillis(options_.env.clock->Now()));
  size_t total_bytes = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    const ChangeOp& op = ops[i];
    if (op.space.starts_with(kSystemSpacePrefix)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "ops[%d].space: '%s' is a system space", i, op.space));
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
    if (options_.max_clock_skew_ms != 0 &&
        stamped_ms > now_ms + options_.max_clock_skew_ms) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "ops[%d].hlc: stamped %d ms ahead of this server's clock, more "
          "than max_clock_skew_ms (%d); check the clock of node %d",
          i, stamped_ms - now_ms, options_.max_clock_skew_ms, op.origin));
    }
    if (op.value.size() > options_.max_value_bytes) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "ops[%d].value: %d bytes exceeds the limit of %d bytes", i,
          op.value.size(), options_.max_value_bytes));
    }
    // The same accounting as a local batch (write_path.cc).
    total_bytes += op.value.size() + 4 * op.point.size() + 16;
    if (total_bytes > options_.max_batch_bytes) {
      return absl::InvalidArgumentError(
          absl::StrFormat("ops: the batch exceeds the limit of %d bytes",
                          options_.max_batch_bytes));
    }
  }

  auto commit = std::make_unique<ReplicatedCommit>();
  commit->frame_type = wal::kReplicatedCommit;
  commit->exclusive = true;
  absl::StatusOr<manifest::SpaceEntry> cursor_space =
      catalog_->FindSpace(kReplicationCursorSpace);
  if (absl::IsNotFound(cursor_space.status())) {
    absl::StatusOr<SpaceInfo> created = catalog_->CreateSpace(
        kReplicationCursorSpace, 1, CurrentRevision(), /*system=*/true);
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
      return created.status();
    }
    cursor_space = catalog_->FindSpace(kReplicationCursorSpace);
  }
  if (!cursor_space.ok()) return cursor_space.status();
  absl::StatusOr<uint32_t> main_id = catalog_->FindBranchId(kMainBranch);
  if (!main_id.ok()) return main_id.status();
  commit->main_branch_id = *main_id;
  commit->cursor_space_id = cursor_space->id;
  commit->cursor_point = {source_node};
  commit->cursor_value = EncodeCursorValue(source_revision);
  commit->cursor_hilbert_key = hilbert::EncodeToString(commit->cursor_point);

  absl::Status status = CreateMissingForReplication(ops);
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
      absl::StatusOr<uint32_t> found = catalog_->FindBranchId(op.branch);
      if (!found.ok()) return found.status();
      branch_id = branch_ids.emplace(op.branch, *found).first;
    }
    auto space = spaces.find(op.space);
    if (space == spaces.end()) {
      absl::StatusOr<manifest::SpaceEntry> found = SpaceForReplication(op, i);
      if (!found.ok()) return found.status();
      space = spaces.emplace(op.space, *found).first;
    }  // every op's dimensions were checked by CreateMissingForReplication
    candidates.push_back({&op, branch_id->second, space->second,
                          hilbert::EncodeToString(op.point)});
    max_hlc = std::max(max_hlc, op.hlc);
  }
  // One candidate per address: the one last-writer-wins picks.
  auto address_less = [](const ReplicatedCommit::Candidate& a,
                         const ReplicatedCommit::Candidate& b) {
    return std::tie(a.branch_id, a.space.id, a.hilbert_key) <
           std::tie(b.branch_id, b.space.id, b.hilbert_key);
  };
  std::stable_sort(candidates.begin(), candidates.end(), address_less);
  uint64_t stale_in_batch = 0;
  for (auto& candidate : candidates) {
    if (commit->candidates.empty() ||
        address_less(commit->candidates.back(), candidate)) {
      commit->candidates.push_back(std::move(candidate));
      continue;
    }
    ++stale_in_batch;
    ReplicatedCommit::Candidate& kept = commit->candidates.back();
    if (WriterOrder(candidate.op->hlc, candidate.op->origin) >
        WriterOrder(kept.op->hlc, kept.op->origin)) {
      kept = std::move(candidate);
    }
  }
  // Local writes from now on are newer than anything received.
  hlc_.Observe(max_hlc);

  absl::StatusOr<CommitStamp> stamp = committer_->Commit(commit.get());
  if (!stamp.ok()) return stamp.status();
  ReplicationApplyResult result;
  result.stamp = *stamp;
  result.applied = commit->ops.size() - 1;  // minus the cursor
  result.stale = commit->stale + stale_in_batch;
  return result;
}

absl::Status EngineImpl::PrepareReplicated(wal::PendingCommit& pending) {
  ReplicatedCommit& commit = static_cast<ReplicatedCommit&>(pending);
  // Every earlier commit is applied (an exclusive commit has a group of its
  // own) and no later one is: the decisions below are final.
  const Revision read_at = commit.stamp.revision - 1;
  std::shared_ptr<const ReadState> state = PinState();
  std::map<std::pair<uint32_t, uint32_t>, std::unique_ptr<mvcc::SnapshotReader>>
      readers;
  commit.ops.clear();
  commit.ops.reserve(commit.candidates.size() + 1);
  commit.stale = 0;
  bool cursor_added = false;
  auto add_cursor = [&commit, &cursor_added] {
    PreparedCommit::Op cursor;
    cursor.branch_id = commit.main_branch_id;
    cursor.space_id = commit.cursor_space_id;
    cursor.point = &commit.cursor_point;
    cursor.hilbert_key = commit.cursor_hilbert_key;
    cursor.value = commit.cursor_value;
    cursor.hlc = commit.stamp.hlc;
    cursor.origin = commit.stamp.origin;
    cursor.system = true;
    commit.ops.push_back(std::move(cursor));
    cursor_added = true;
  };
  for (const ReplicatedCommit::Candidate& candidate : commit.candidates) {
    if (!cursor_added &&
        std::tie(commit.main_branch_id, commit.cursor_space_id) <
            std::tie(candidate.branch_id, candidate.space.id)) {
      add_cursor();
    }
    const ChangeOp& op = *candidate.op;
    // Newer than every stored version: it wins without a lookup (the usual
    // case for a follower of one source).
    if (op.hlc <= max_stored_hlc_) {
      std::unique_ptr<mvcc::SnapshotReader>& reader =
          readers[{candidate.branch_id, candidate.space.id}];
      if (reader == nullptr) {
        absl::StatusOr<std::vector<mvcc::BranchLevel>> chain =
            catalog_->BranchChain(op.branch, read_at);
        if (!chain.ok()) return chain.status();
        reader = std::make_unique<mvcc::SnapshotReader>(
            SourcesFor(state, candidate.space.id), std::move(*chain),
            candidate.space.id, candidate.space.dims);
      }
      absl::StatusOr<std::optional<Record>> newest = reader->Newest(op.point);
      if (!newest.ok()) return newest.status();
      if (newest->has_value() &&
          WriterOrder((*newest)->stamp.hlc, (*newest)->stamp.origin) >=
              WriterOrder(op.hlc, op.origin)) {
        ++commit.stale;
        continue;
      }
    }
    PreparedCommit::Op prepared;
    prepared.branch_id = candidate.branch_id;
    prepared.space_id = candidate.space.id;
    prepared.point = &op.point;
    prepared.hilbert_key = candidate.hilbert_key;
    prepared.deleted = op.deleted;
    prepared.value = op.deleted ? std::string_view() : op.value;
    prepared.hlc = op.hlc;
    prepared.origin = op.origin;
    commit.ops.push_back(std::move(prepared));
  }
  if (!cursor_added) add_cursor();
  commit.ops_bytes.clear();
  for (const PreparedCommit::Op& op : commit.ops) {
    wal::AppendReplicatedOp(
        &commit.ops_bytes, op.deleted ? wal::kDeleteOp : wal::kPutOp,
        op.branch_id, op.hlc, op.origin, op.space_id, *op.point, op.value);
  }
  commit.op_count = static_cast<uint32_t>(commit.ops.size());
  return absl::OkStatus();
}

}  // namespace infinitedb
