#include "engine/db/engine_impl.h"

#include "absl/strings/str_format.h"
#include "spdlog/spdlog.h"

namespace infinitedb {

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const EngineOptions& options) {
  absl::StatusOr<std::unique_ptr<EngineImpl>> engine =
      EngineImpl::Open(options);
  if (!engine.ok()) return engine.status();
  return std::unique_ptr<Engine>(std::move(*engine));
}

EngineImpl::EngineImpl(const EngineOptions& options, io::File lock,
                       std::unique_ptr<Catalog> catalog)
    : options_(options),
      lock_(std::move(lock)),
      catalog_(std::move(catalog)),
      memtable_(std::make_shared<mvcc::MemTable>()) {}

EngineImpl::~EngineImpl() {
  // Drains queued commits and syncs the log before the memtable goes away.
  committer_.reset();
}

absl::StatusOr<std::unique_ptr<EngineImpl>> EngineImpl::Open(
    const EngineOptions& options) {
  if (options.node_id == 0) {
    return absl::InvalidArgumentError("node_id: must not be 0");
  }
  absl::Status status = io::CreateDirectories(options.data_dir);
  if (!status.ok()) return status;
  absl::StatusOr<io::File> lock = io::LockDirectory(options.data_dir);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::unique_ptr<manifest::Manifest>> manifest =
      manifest::Manifest::Open(options.data_dir);
  if (!manifest.ok()) return manifest.status();
  auto catalog =
      std::make_unique<Catalog>(std::move(*manifest), options.max_name_bytes);
  std::unique_ptr<EngineImpl> engine(
      new EngineImpl(options, std::move(*lock), std::move(catalog)));
  status = engine->Recover();
  if (!status.ok()) return status;
  return engine;
}

absl::Status EngineImpl::Recover() {
  std::string wal_dir = options_.data_dir + "/wal";
  uint64_t skipped_ops = 0;
  absl::StatusOr<wal::RecoveryResult> recovered =
      wal::RecoverLog(wal_dir, [&](wal::WalCommit commit) -> absl::Status {
        hlc_.Observe(commit.stamp.hlc);
        if (!catalog_->HasBranchId(commit.branch_id)) {
          skipped_ops += commit.ops.size();
          return absl::OkStatus();
        }
        for (const wal::WalOp& op : commit.ops) {
          int dims = catalog_->SpaceDims(op.space_id);
          if (dims == 0) {  // the space was dropped since
            ++skipped_ops;
            continue;
          }
          if (dims != static_cast<int>(op.point.size())) {
            return absl::DataLossError(absl::StrFormat(
                "WAL revision %d writes %d coordinates to a space of %d "
                "dimensions",
                commit.stamp.revision, op.point.size(), dims));
          }
          memtable_->Add(commit.branch_id, op.space_id, op.point,
                         hilbert::EncodeToString(op.point), commit.stamp,
                         op.kind == wal::kDeleteOp, op.value);
        }
        return absl::OkStatus();
      });
  if (!recovered.ok()) return recovered.status();
  last_revision_ =
      std::max(recovered->max_revision, catalog_->revision_floor());
  visible_revision_.store(last_revision_);
  spdlog::info(
      "recovered {}: {} commits from {} WAL segments, revision {}, {} "
      "operations of dropped spaces skipped, {} torn bytes dropped",
      options_.data_dir, recovered->commits_replayed, recovered->segments,
      last_revision_, skipped_ops, recovered->truncated_bytes);

  absl::StatusOr<std::unique_ptr<wal::WalWriter>> writer =
      wal::WalWriter::Open(wal_dir, recovered->last_segment,
                           recovered->end_offset, options_.wal_segment_bytes);
  if (!writer.ok()) return writer.status();
  wal::GroupCommitter::Callbacks callbacks;
  callbacks.next_stamp = [this] {
    return CommitStamp{++last_revision_, hlc_.Now(), options_.node_id};
  };
  callbacks.apply = [this](wal::PendingCommit& commit) {
    Apply(static_cast<const PreparedCommit&>(commit));
  };
  callbacks.publish = [this](Revision revision) {
    visible_revision_.store(revision, std::memory_order_release);
  };
  committer_ = std::make_unique<wal::GroupCommitter>(
      options_.durability, options_.async_sync_interval_ms,
      options_.max_group_commit_bytes, std::move(*writer),
      std::move(callbacks));
  return absl::OkStatus();
}

void EngineImpl::Apply(const PreparedCommit& commit) {
  for (const PreparedCommit::Op& op : commit.ops) {
    memtable_->Add(commit.branch_id, op.space_id, *op.point, op.hilbert_key,
                   commit.stamp, op.deleted, op.value);
  }
}

absl::StatusOr<CommitStamp> EngineImpl::Commit(
    std::string_view branch, std::span<const MutationRef> mutations,
    std::string_view field_prefix) {
  absl::StatusOr<std::unique_ptr<PreparedCommit>> commit =
      PrepareCommit(*catalog_, options_, branch, mutations, field_prefix);
  if (!commit.ok()) return commit.status();
  return committer_->Commit(commit->get());
}

absl::StatusOr<CommitStamp> EngineImpl::Put(std::string_view branch,
                                            std::string_view space,
                                            const Point& point,
                                            std::string_view value) {
  MutationRef mutation{Mutation::Kind::kPut, space, &point, value};
  return Commit(branch, {&mutation, 1}, "");
}

absl::StatusOr<CommitStamp> EngineImpl::Delete(std::string_view branch,
                                               std::string_view space,
                                               const Point& point) {
  MutationRef mutation{Mutation::Kind::kDelete, space, &point, {}};
  return Commit(branch, {&mutation, 1}, "");
}

absl::StatusOr<CommitStamp> EngineImpl::Batch(
    std::string_view branch, const std::vector<Mutation>& mutations) {
  std::vector<MutationRef> refs;
  refs.reserve(mutations.size());
  for (const Mutation& m : mutations) {
    refs.push_back({m.kind, m.space, &m.point, m.value});
  }
  return Commit(branch, refs, "mutations");
}

absl::StatusOr<SpaceInfo> EngineImpl::CreateSpace(std::string_view name,
                                                  int dims) {
  return catalog_->CreateSpace(name, dims, CurrentRevision());
}

absl::StatusOr<SpaceInfo> EngineImpl::GetSpace(std::string_view name) {
  absl::StatusOr<manifest::SpaceEntry> space = catalog_->FindSpace(name);
  if (!space.ok()) return space.status();
  return SpaceInfo{space->name, space->dims, space->created_revision};
}

std::vector<SpaceInfo> EngineImpl::ListSpaces() {
  return catalog_->ListSpaces();
}

absl::Status EngineImpl::DropSpace(std::string_view name) {
  return catalog_->DropSpace(name);
}

absl::StatusOr<BranchInfo> EngineImpl::CreateBranch(std::string_view name,
                                                    std::string_view parent) {
  return catalog_->CreateBranch(name, parent, CurrentRevision());
}

EngineStats EngineImpl::Stats() {
  EngineStats stats;
  stats.revision = CurrentRevision();
  stats.memtable_bytes = memtable_->MemoryUsageBytes();
  wal::GroupCommitter::Stats wal = committer_->stats();
  stats.wal_group_writes = wal.groups;
  stats.wal_commits = wal.commits;
  stats.wal_bytes_written = wal.bytes;
  return stats;
}

std::vector<BranchInfo> EngineImpl::ListBranches() {
  return catalog_->ListBranches();
}

}  // namespace infinitedb
