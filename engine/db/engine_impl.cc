#include "engine/db/engine_impl.h"

#include "absl/strings/str_format.h"
#include "engine/segment/segment_format.h"
#include "spdlog/spdlog.h"

namespace infinitedb {

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const EngineOptions& options) {
  EngineOptions resolved = options;
  if (resolved.env.file_system == nullptr) {
    resolved.env.file_system = DefaultFileSystem();
  }
  if (resolved.env.clock == nullptr) resolved.env.clock = SystemClock();
  absl::StatusOr<std::unique_ptr<EngineImpl>> engine =
      EngineImpl::Open(resolved);
  if (!engine.ok()) return engine.status();
  return std::unique_ptr<Engine>(std::move(*engine));
}

EngineImpl::EngineImpl(
    const EngineOptions& options, io::File lock,
    std::unique_ptr<Catalog> catalog,
    std::unique_ptr<replication::SubscriberAcks> subscriber_acks)
    : options_(options),
      fs_(options.env.file_system),
      segment_dir_(options.data_dir + "/segments"),
      lock_(std::move(lock)),
      catalog_(std::move(catalog)),
      subscriber_acks_(std::move(subscriber_acks)),
      block_cache_(options.block_cache_bytes),
      hlc_([clock = options.env.clock] {
        return static_cast<uint64_t>(absl::ToUnixMillis(clock->Now()));
      }),
      wal_segments_(options.env.file_system, options.data_dir + "/wal"),
      active_(std::make_shared<mvcc::MemTable>()) {
  auto state = std::make_shared<ReadState>();
  state->active = active_;
  absl::MutexLock state_lock(&state_mu_);
  state_ = std::move(state);
}

EngineImpl::~EngineImpl() {
  if (background_.joinable()) {
    {
      absl::MutexLock lock(&background_mu_);
      background_stopping_ = true;
    }
    background_.join();
  }
  // Drains queued commits and syncs the log before the memtables go away;
  // unsealed memtables are rebuilt from the WAL on the next open.
  committer_.reset();
  absl::Status persisted = subscriber_acks_->Persist();
  if (!persisted.ok()) {
    spdlog::error("cannot persist subscriber acknowledgements on close: {}",
                  persisted.ToString());
  }
}

absl::Status EngineImpl::ForgetSubscriberAck(std::string_view id) {
  absl::Status status = subscriber_acks_->Forget(id);
  if (!status.ok()) return status;
  return ReleaseWal();
}

std::shared_ptr<const ReadState> EngineImpl::PinState() const {
  absl::MutexLock lock(&state_mu_);
  return state_;
}

absl::StatusOr<std::unique_ptr<EngineImpl>> EngineImpl::Open(
    const EngineOptions& options) {
  if (options.node_id == 0) {
    return absl::InvalidArgumentError("node_id: must not be 0");
  }
  FileSystem* fs = options.env.file_system;
  absl::Status status = fs->CreateDirectories(options.data_dir);
  if (!status.ok()) return status;
  absl::StatusOr<io::File> lock = fs->LockDirectory(options.data_dir);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::unique_ptr<manifest::Manifest>> manifest =
      manifest::Manifest::Open(fs, options.data_dir);
  if (!manifest.ok()) return manifest.status();
  auto catalog =
      std::make_unique<Catalog>(std::move(*manifest), options.max_name_bytes);
  absl::StatusOr<std::unique_ptr<replication::SubscriberAcks>> acks =
      replication::SubscriberAcks::Open(
          fs, options.data_dir, options.replication_retention_revisions);
  if (!acks.ok()) return acks.status();
  std::unique_ptr<EngineImpl> engine(new EngineImpl(
      options, std::move(*lock), std::move(catalog), std::move(*acks)));
  status = engine->OpenSegments();
  if (status.ok()) status = engine->Recover();
  if (status.ok()) status = engine->ReleaseWal();
  if (!status.ok()) return status;
  engine->background_ =
      std::thread([e = engine.get()] { e->BackgroundLoop(); });
  return engine;
}

absl::Status EngineImpl::Recover() {
  std::string wal_dir = options_.data_dir + "/wal";
  uint64_t skipped_ops = 0;
  const Revision sealed = catalog_->sealed_revision();
  Revision first_revision = 0;
  hlc_.Observe(catalog_->hlc_floor());
  absl::StatusOr<wal::RecoveryResult> recovered =
      wal::RecoverLog(fs_, wal_dir, [&](wal::WalCommit commit) -> absl::Status {
        if (first_revision == 0) first_revision = commit.stamp.revision;
        hlc_.Observe(commit.stamp.hlc);
        for (const wal::WalOp& op : commit.ops) hlc_.Observe(op.hlc);
        // Already in segments (the WAL segment was not released yet).
        if (commit.stamp.revision <= sealed) return absl::OkStatus();
        mvcc::MemTable::BatchAdder adder(active_.get());
        for (const wal::WalOp& op : commit.ops) {
          if (!catalog_->HasBranchId(op.branch_id)) {  // cannot happen today
            ++skipped_ops;
            continue;
          }
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
          adder.Add(op.branch_id, op.space_id, op.point,
                    hilbert::EncodeToString(op.point),
                    {commit.stamp.revision, op.hlc, op.origin},
                    op.kind == wal::kDeleteOp, op.value);
        }
        adder.Finish();
        // Keep tables bounded during replay too; the background thread
        // seals them once it starts.
        last_revision_ = commit.stamp.revision;
        if (active_->MemoryUsageBytes() >= options_.memtable_bytes_max) {
          FreezeActive();
        }
        return absl::OkStatus();
      });
  if (!recovered.ok()) return recovered.status();
  for (const auto& [segment, revision] : recovered->segment_max_revision) {
    wal_segments_.Record(segment, revision);
  }
  wal_segments_.Record(recovered->last_segment, recovered->max_revision);
  last_revision_ =
      std::max({recovered->max_revision, catalog_->revision_floor(), sealed});
  // The change stream can serve every revision after the log's first one.
  wal_segments_.SetFloor(first_revision == 0 ? last_revision_
                                             : first_revision - 1);
  visible_revision_.store(last_revision_);
  max_stored_hlc_ = hlc_.Last();  // covers the WAL and the segments
  spdlog::info(
      "recovered {}: {} commits from {} WAL segments, revision {}, {} "
      "operations of dropped spaces skipped, {} torn bytes dropped",
      options_.data_dir, recovered->commits_replayed, recovered->segments,
      last_revision_, skipped_ops, recovered->truncated_bytes);

  absl::StatusOr<std::unique_ptr<wal::WalWriter>> writer =
      wal::WalWriter::Open(fs_, wal_dir, recovered->last_segment,
                           recovered->end_offset, options_.wal_segment_bytes);
  if (!writer.ok()) return writer.status();
  wal::GroupCommitter::Callbacks callbacks;
  callbacks.next_stamp = [this] {
    return CommitStamp{++last_revision_, hlc_.Now(), options_.node_id};
  };
  callbacks.prepare = [this](wal::PendingCommit& commit) {
    return PrepareReplicated(commit);
  };
  callbacks.apply = [this](std::span<wal::PendingCommit* const> group) {
    ApplyGroup(group);
  };
  callbacks.publish = [this](Revision revision) {
    if (staged_.has_value()) {
      staged_->Finish();
      staged_.reset();
    }
    visible_revision_.store(revision);
    if (publish_waiters_.load() > 0) {
      absl::MutexLock lock(&publish_mu_);  // the unlock re-checks waiters
    }
    if (active_->MemoryUsageBytes() >= options_.memtable_bytes_max) {
      FreezeActive();
    }
  };
  callbacks.abandon = [this](Revision before) {
    staged_.reset();  // its versions stay unreferenced in the arena
    last_revision_ = before;
  };
  callbacks.written = [this](uint64_t segment, Revision revision) {
    wal_segments_.Record(segment, revision);
  };
  committer_ = std::make_unique<wal::GroupCommitter>(
      options_.durability, options_.async_sync_interval_ms,
      options_.max_group_commit_bytes, std::move(*writer),
      std::move(callbacks));
  return absl::OkStatus();
}

absl::Status EngineImpl::OpenSegments() {
  absl::Status status = fs_->CreateDirectories(segment_dir_);
  if (!status.ok()) return status;
  manifest::CatalogState catalog = catalog_->State();
  // Files of a seal or compaction that crashed before the manifest named
  // them are garbage.
  absl::StatusOr<std::vector<std::string>> names =
      fs_->ListDirectory(segment_dir_);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    uint64_t number = 0;
    if (segment::ParseSegmentFileName(name, &number) &&
        catalog.segments.contains(number)) {
      continue;
    }
    spdlog::info("removing {}/{}: not in the manifest", segment_dir_, name);
    status = fs_->Remove(segment_dir_ + "/" + name);
    if (!status.ok()) return status;
  }
  auto state = std::make_shared<ReadState>(*PinState());
  for (const auto& [number, entry] : catalog.segments) {
    absl::StatusOr<std::shared_ptr<segment::SegmentReader>> reader =
        segment::SegmentReader::Open(fs_, SegmentPath(number), number,
                                     entry.size_bytes, &block_cache_);
    if (!reader.ok()) return reader.status();
    state->segments[entry.space_id].push_back(std::move(*reader));
  }
  absl::MutexLock lock(&state_mu_);
  state_ = std::move(state);
  return absl::OkStatus();
}

std::string EngineImpl::SegmentPath(uint64_t file_number) const {
  return segment_dir_ + "/" + segment::SegmentFileName(file_number);
}

void EngineImpl::ApplyGroup(std::span<wal::PendingCommit* const> group) {
  // One memtable run for the whole group: many small commits cost one run
  // (and one merge step) instead of one each. It is added to the memtable
  // only once the group is written (publish), never when it fails.
  mvcc::MemTable::BatchAdder& adder = staged_.emplace(active_.get());
  for (const wal::PendingCommit* pending : group) {
    const auto& commit = static_cast<const PreparedCommit&>(*pending);
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
      if (!op.system) max_stored_hlc_ = std::max(max_stored_hlc_, stamp.hlc);
    }
  }
}

absl::StatusOr<CommitStamp> EngineImpl::Commit(
    std::string_view branch, std::span<const MutationView> mutations,
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
  MutationView mutation{Mutation::Kind::kPut, space, &point, value};
  return Commit(branch, {&mutation, 1}, "");
}

absl::StatusOr<CommitStamp> EngineImpl::Delete(std::string_view branch,
                                               std::string_view space,
                                               const Point& point) {
  MutationView mutation{Mutation::Kind::kDelete, space, &point, {}};
  return Commit(branch, {&mutation, 1}, "");
}

absl::StatusOr<CommitStamp> EngineImpl::Batch(
    std::string_view branch, const std::vector<Mutation>& mutations) {
  std::vector<MutationView> refs;
  refs.reserve(mutations.size());
  for (const Mutation& m : mutations) {
    refs.push_back({m.kind, m.space, &m.point, m.value});
  }
  return Commit(branch, refs, "mutations");
}

absl::StatusOr<CommitStamp> EngineImpl::Batch(
    std::string_view branch, std::span<const MutationView> mutations) {
  return Commit(branch, mutations, "mutations");
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
  if (name.starts_with(kSystemSpacePrefix)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "space: '%s' is a system space and cannot be dropped", name));
  }
  absl::MutexLock maintenance(&maintenance_mu_);
  absl::StatusOr<manifest::SpaceEntry> space = catalog_->FindSpace(name);
  if (!space.ok()) return space.status();
  absl::StatusOr<std::vector<uint64_t>> files = catalog_->DropSpace(name);
  if (!files.ok()) return files.status();
  {
    absl::MutexLock lock(&state_mu_);
    auto state = std::make_shared<ReadState>(*state_);
    state->segments.erase(space->id);
    state_ = std::move(state);
  }
  DeleteSegmentFiles(*files);
  return absl::OkStatus();
}

absl::StatusOr<BranchInfo> EngineImpl::CreateBranch(std::string_view name,
                                                    std::string_view parent) {
  return catalog_->CreateBranch(name, parent, CurrentRevision());
}

EngineStats EngineImpl::Stats() {
  EngineStats stats;
  stats.revision = CurrentRevision();
  manifest::CatalogState catalog = catalog_->State();
  stats.sealed_revision = catalog.sealed_revision;
  stats.history_horizon = catalog.history_horizon;
  std::shared_ptr<const ReadState> state = PinState();
  stats.memtable_bytes = state->active->MemoryUsageBytes();
  for (const FrozenMemTable& frozen : state->frozen) {
    stats.memtable_bytes += frozen.table->MemoryUsageBytes();
  }
  stats.frozen_memtables = state->frozen.size();
  for (const auto& [space, segments] : state->segments) {
    for (const auto& segment : segments) {
      const segment::SegmentIndex& index = segment->index();
      stats.segments++;
      stats.blocks += index.blocks.size();
      stats.index_entries += index.blocks.size();
      for (const auto& level : index.levels)
        stats.index_entries += level.size();
    }
  }
  for (const auto& [number, entry] : catalog.segments) {
    stats.segment_bytes += entry.size_bytes;
    stats.segment_records += entry.record_count;
  }
  stats.cache_bytes = block_cache_.bytes();
  stats.cache_blocks = block_cache_.blocks();
  stats.cache_capacity_bytes = block_cache_.capacity_bytes();
  stats.wal_segments = wal_segments_.segment_count();
  wal::GroupCommitter::Stats wal = committer_->stats();
  stats.wal_group_writes = wal.groups;
  stats.wal_commits = wal.commits;
  stats.wal_bytes_written = wal.bytes;
  stats.seals = seals_.load();
  stats.compactions = compactions_.load();
  return stats;
}

std::vector<BranchInfo> EngineImpl::ListBranches() {
  return catalog_->ListBranches();
}

}  // namespace infinitedb
