#include "engine/commit/commit_pipeline.h"

#include "absl/strings/str_format.h"
#include "engine/mvcc/point_key.h"
#include "engine/wal/wal_recovery.h"
#include "spdlog/logger.h"

namespace infinitedb::commit {

CommitPipeline::CommitPipeline(const EngineOptions& options,
                               version::VersionSet* versions,
                               wal::WalSegmentSet* wal_segments,
                               std::function<void()> on_freeze)
    : options_(options),
      versions_(versions),
      wal_segments_(wal_segments),
      on_freeze_(std::move(on_freeze)),
      hlc_([clock = options.env.clock] {
        return static_cast<uint64_t>(absl::ToUnixMillis(clock->Now()));
      }) {
  writer_.active = versions_->Pin()->active;
}

CommitPipeline::~CommitPipeline() {
  // Drains queued commits and syncs the log before the memtables go away;
  // unsealed memtables are rebuilt from the WAL on the next open.
  committer_.reset();
}

absl::StatusOr<std::unique_ptr<CommitPipeline>> CommitPipeline::Open(
    const EngineOptions& options, version::VersionSet* versions,
    wal::WalSegmentSet* wal_segments, std::function<void()> on_freeze) {
  std::unique_ptr<CommitPipeline> pipeline(new CommitPipeline(
      options, versions, wal_segments, std::move(on_freeze)));
  absl::Status status = pipeline->Replay();
  if (!status.ok()) return status;
  return pipeline;
}

namespace {

// Adds (branch, revision) for each branch `ops` write to (ops of one branch
// are adjacent).
template <typename Op>
void NoteHeadsOf(const std::vector<Op>& ops, Revision revision,
                 std::vector<std::pair<uint32_t, Revision>>* heads) {
  uint32_t last = 0;
  for (const Op& op : ops) {
    if (op.branch_id == last) continue;
    last = op.branch_id;
    heads->push_back({op.branch_id, revision});
  }
}

}  // namespace

absl::Status CommitPipeline::Replay() {
  const std::string wal_dir = options_.data_dir + "/wal";
  Catalog& catalog = versions_->catalog();
  uint64_t skipped_ops = 0;
  const Revision sealed = catalog.sealed_revision();
  Revision first_revision = 0;
  hlc_.Observe(catalog.hlc_floor());
  absl::StatusOr<wal::RecoveryResult> recovered = wal::RecoverLog(
      options_.env.file_system, options_.env.logger.get(), wal_dir,
      [&](wal::WalCommit commit) -> absl::Status {
        if (first_revision == 0) first_revision = commit.stamp.revision;
        hlc_.Observe(commit.stamp.hlc);
        for (const wal::WalOp& op : commit.ops) hlc_.Observe(op.hlc);
        // Already in segments (the WAL segment was not released yet).
        if (commit.stamp.revision <= sealed) return absl::OkStatus();
        mvcc::MemTable::BatchAdder adder(writer_.active.get());
        for (const wal::WalOp& op : commit.ops) {
          int dims = catalog.SpaceDims(op.space_id);
          if (!catalog.HasBranchId(op.branch_id) || dims == 0) {
            ++skipped_ops;  // the space was dropped since
            continue;
          }
          if (dims != static_cast<int>(op.point.size())) {
            return absl::DataLossError(absl::StrFormat(
                "WAL revision %d writes %d coordinates to a space of %d "
                "dimensions",
                commit.stamp.revision, op.point.size(), dims));
          }
          adder.Add(op.branch_id, op.space_id, op.point,
                    mvcc::PointKey(op.space_id, op.point),
                    {commit.stamp.revision, op.hlc, op.origin},
                    op.kind == wal::kDeleteOp, op.value);
        }
        adder.Finish();
        std::vector<std::pair<uint32_t, Revision>> heads;
        NoteHeadsOf(commit.ops, commit.stamp.revision, &heads);
        catalog.NoteHeads(heads);
        // Keep tables bounded during replay too; sealing starts later.
        writer_.last_revision = commit.stamp.revision;
        if (writer_.active->MemoryUsageBytes() >= options_.memtable_bytes_max) {
          FreezeActive();
        }
        return absl::OkStatus();
      });
  if (!recovered.ok()) return recovered.status();
  for (const auto& [segment, revision] : recovered->segment_max_revision) {
    wal_segments_->Record(segment, revision);
  }
  wal_segments_->Record(recovered->last_segment, recovered->max_revision);
  writer_.last_revision =
      std::max({recovered->max_revision, catalog.revision_floor(), sealed});
  // The change stream can serve every revision after the log's first one.
  wal_segments_->SetFloor(first_revision == 0 ? writer_.last_revision
                                              : first_revision - 1);
  versions_->PublishRevision(writer_.last_revision);
  writer_.view.max_stored_hlc = hlc_.Last();  // the WAL and the segments
  hlc_index_.Note(writer_.last_revision, writer_.view.max_stored_hlc);
  options_.env.logger->info(
      "recovered {}: {} commits from {} WAL segments, revision {}, {} "
      "operations of dropped spaces skipped, {} torn bytes dropped",
      options_.data_dir, recovered->commits_replayed, recovered->segments,
      writer_.last_revision, skipped_ops, recovered->truncated_bytes);

  absl::StatusOr<std::unique_ptr<wal::WalWriter>> writer = wal::WalWriter::Open(
      options_.env.file_system, wal_dir, recovered->last_segment,
      recovered->end_offset, options_.wal_segment_bytes);
  if (!writer.ok()) return writer.status();
  StartCommitter(std::move(*writer));
  return absl::OkStatus();
}

void CommitPipeline::StartCommitter(std::unique_ptr<wal::WalWriter> writer) {
  committer_ = std::make_unique<wal::GroupCommitter>(
      options_.durability, options_.async_sync_interval_ms,
      options_.max_group_commit_bytes, std::move(writer), WriterCallbacks(),
      options_.env.clock, options_.env.logger.get());
}

wal::GroupCommitter::Callbacks CommitPipeline::WriterCallbacks() {
  wal::GroupCommitter::Callbacks callbacks;
  callbacks.next_stamp = [this] {
    return CommitStamp{++writer_.last_revision, hlc_.Now(), options_.node_id};
  };
  callbacks.apply = [this](std::span<wal::PendingCommit* const> group) {
    StageGroup(group);
  };
  callbacks.publish = [this](Revision revision) {
    if (writer_.staged.has_value()) {
      writer_.staged->Publish();  // cheap: sorted, merged later
      writer_.staged.reset();
      versions_->catalog().NoteHeads(writer_.staged_heads);
    }
    versions_->PublishRevision(revision);
    hlc_index_.Note(revision, hlc_.Last());
    if (writer_.active->MemoryUsageBytes() >= options_.memtable_bytes_max) {
      FreezeActive();
    }
  };
  callbacks.abandon = [this](Revision before) {
    writer_.staged.reset();  // its versions stay unreferenced in the arena
    writer_.staged_heads.clear();
    writer_.last_revision = before;
  };
  callbacks.written = [this](uint64_t segment, Revision revision) {
    wal_segments_->Record(segment, revision);
  };
  return callbacks;
}

void CommitPipeline::StageGroup(std::span<wal::PendingCommit* const> group) {
  // One memtable run for the whole group: many small commits cost one run
  // (and one merge step) instead of one each. It is added to the memtable
  // only once the group is written (publish), never when it fails.
  // The merges the previous group left, while this group's write is in
  // flight instead of before its callers are woken.
  writer_.active->MergeRuns();
  mvcc::MemTable::BatchAdder& adder =
      writer_.staged.emplace(writer_.active.get());
  writer_.staged_heads.clear();
  for (const wal::PendingCommit* pending : group) {
    const auto& commit = static_cast<const PreparedCommit&>(*pending);
    NoteHeadsOf(commit.ops, commit.stamp.revision, &writer_.staged_heads);
    // Replicated changes keep the stamp they were made with.
    const bool own_stamps = commit.frame_type == wal::kReplicatedCommit;
    for (const PreparedCommit::Op& op : commit.ops) {
      CommitStamp stamp = commit.stamp;
      if (own_stamps) {
        stamp.hlc = op.hlc;
        stamp.origin = op.origin;
      }
      adder.Add(op.branch_id, op.space_id, *op.point, op.hilbert_key, stamp,
                op.deleted, op.value);
      if (!op.system) {
        writer_.view.max_stored_hlc =
            std::max(writer_.view.max_stored_hlc, stamp.hlc);
      }
    }
  }
  adder.Sort();
}

void CommitPipeline::FreezeActive() {
  if (writer_.active->entry_count() == 0) return;
  auto fresh = std::make_shared<mvcc::MemTable>();
  const Revision frozen_at = writer_.last_revision;
  versions_->Install([&](ReadState& state) {
    state.frozen.push_back({writer_.active, frozen_at});
    state.active = fresh;
  });
  writer_.active = std::move(fresh);
  if (on_freeze_) on_freeze_();
}

absl::StatusOr<CommitStamp> CommitPipeline::Commit(PreparedCommit* commit) {
  return committer_->Commit(commit);
}

absl::StatusOr<CommitStamp> CommitPipeline::Commit(ExclusiveCommit* commit) {
  commit->writer_ = &writer_.view;
  return committer_->Commit(commit);
}

absl::Status CommitPipeline::FreezeAndRollWal() {
  committer_->RunBetweenGroups([this] { FreezeActive(); });
  absl::StatusOr<uint64_t> segment = committer_->RollSegment();
  if (!segment.ok()) return segment.status();
  wal_segments_->Record(*segment, 0);
  return absl::OkStatus();
}

}  // namespace infinitedb::commit
