#include "engine/db/engine_impl.h"

#include "absl/strings/str_format.h"
#include "engine/db/backup_capture.h"
#include "engine/graph/graph_spaces.h"
#include "engine/replication/auth_records.h"
#include "engine/replication/change_stream.h"
#include "spdlog/logger.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace infinitedb {

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const EngineOptions& options) {
  EngineOptions resolved = options;
  if (resolved.env.file_system == nullptr) {
    resolved.env.file_system = DefaultFileSystem();
  }
  if (resolved.env.clock == nullptr) resolved.env.clock = SystemClock();
  if (resolved.env.logger == nullptr) {
    resolved.env.logger = std::make_shared<spdlog::logger>(
        "infinitedb", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  }
  absl::StatusOr<std::unique_ptr<EngineImpl>> engine =
      EngineImpl::Open(resolved);
  if (!engine.ok()) return engine.status();
  return std::unique_ptr<Engine>(std::move(*engine));
}

EngineImpl::EngineImpl(
    const EngineOptions& options, File lock, std::unique_ptr<Catalog> catalog,
    std::unique_ptr<replication::SubscriberAcks> subscriber_acks)
    : options_(options),
      lock_(std::move(lock)),
      block_cache_(options.block_cache_bytes),
      wal_segments_(options.env.file_system, options.data_dir + "/wal"),
      versions_(std::move(catalog), std::make_shared<mvcc::MemTable>()),
      subscriber_acks_(std::move(subscriber_acks)),
      reader_(&versions_),
      graph_store_(&options_, &versions_, &reader_),
      graph_replication_(&versions_, &graph_store_),
      branch_store_(&graph_store_),
      merger_(&versions_, &branch_store_, options_.max_value_bytes) {}

EngineImpl::~EngineImpl() {
  // No sealing while the pipeline drains; what stays unsealed is rebuilt
  // from the WAL on the next open.
  if (maintenance_ != nullptr) maintenance_->StopBackground();
  applier_.reset();
  pipeline_.reset();
  maintenance_.reset();
  absl::Status persisted = subscriber_acks_->Persist();
  if (!persisted.ok()) {
    options_.env.logger->error(
        "cannot persist subscriber acknowledgements on close: {}",
        persisted.ToString());
  }
}

absl::StatusOr<std::unique_ptr<EngineImpl>> EngineImpl::Open(
    const EngineOptions& options) {
  if (options.node_id == 0) {
    return absl::InvalidArgumentError("node_id: must not be 0");
  }
  FileSystem* fs = options.env.file_system;
  absl::Status status = fs->CreateDirectories(options.data_dir);
  if (!status.ok()) return status;
  absl::StatusOr<File> lock = fs->LockDirectory(options.data_dir);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<std::unique_ptr<manifest::Manifest>> manifest =
      manifest::Manifest::Open(fs, options.env.logger.get(), options.data_dir);
  if (!manifest.ok()) return manifest.status();
  auto catalog =
      std::make_unique<Catalog>(std::move(*manifest), options.max_name_bytes);
  absl::StatusOr<std::unique_ptr<replication::SubscriberAcks>> acks =
      replication::SubscriberAcks::Open(
          fs, options.data_dir, options.replication_retention_revisions);
  if (!acks.ok()) return acks.status();
  std::unique_ptr<EngineImpl> engine(new EngineImpl(
      options, std::move(*lock), std::move(catalog), std::move(*acks)));
  EngineImpl* e = engine.get();
  e->maintenance_ = std::make_unique<Maintenance>(
      e->options_,
      Maintenance::Sources{&e->versions_, &e->wal_segments_, &e->block_cache_,
                           e->subscriber_acks_.get(),
                           [e] { return e->pipeline_->hlc().Last(); }});
  status = e->maintenance_->OpenSegments();
  if (!status.ok()) return status;
  absl::StatusOr<std::unique_ptr<commit::CommitPipeline>> pipeline =
      commit::CommitPipeline::Open(e->options_, &e->versions_,
                                   &e->wal_segments_,
                                   [e] { e->maintenance_->Wake(); });
  if (!pipeline.ok()) return pipeline.status();
  e->pipeline_ = std::move(*pipeline);
  e->catalog_events_ = std::make_unique<CatalogReplication>(
      &e->options_, &e->versions_, &e->graph_store_, e->pipeline_.get(),
      CatalogReplication::Effects{
          [e](std::string_view name) { return e->DropBranchHere(name); },
          [e](std::string_view name) { return e->DropSpaceHere(name); },
          [e] { e->ClearGraphCache(); }});
  e->applier_ = std::make_unique<replication::ReplicationApplier>(
      &e->options_, &e->versions_, e->pipeline_.get(), &e->graph_replication_,
      e->catalog_events_.get());
  e->graph_store_.set_pipeline(e->pipeline_.get());
  absl::StatusOr<std::unique_ptr<graph::Graph>> graph =
      graph::Graph::Open(&e->graph_store_, e->options_);
  if (!graph.ok()) return graph.status();
  e->graph_ = std::move(*graph);
  e->branch_store_.set_graph(e->graph_.get());
  e->graph_replication_.set_id_observer(
      [e](EdgeId id) { return e->graph_->ObserveId(id); });
  e->graph_replication_.set_cache(&e->graph_->cache());
  status = e->catalog_events_->Open();
  if (!status.ok()) return status;
  status =
      e->graph_store_.EnsureSystemSpace(kAuthSpace, replication::kAuthDims, 0)
          .status();
  if (!status.ok()) return status;
  status = e->maintenance_->ReleaseWal();
  if (!status.ok()) return status;
  e->maintenance_->StartBackground();
  return engine;
}

absl::StatusOr<CommitStamp> EngineImpl::Commit(
    std::string_view branch, std::span<const MutationView> mutations,
    std::string_view field_prefix) {
  absl::StatusOr<std::unique_ptr<PreparedCommit>> commit =
      PrepareCommit(versions_, options_, branch, mutations, field_prefix);
  if (!commit.ok()) return commit.status();
  return pipeline_->Commit(commit->get());
}

absl::StatusOr<CommitStamp> EngineImpl::Put(
    std::string_view branch, std::string_view space, const Point& point,
    std::string_view value, std::optional<Revision> if_revision) {
  MutationView mutation{Mutation::Kind::kPut, space, &point, value,
                        if_revision};
  return Commit(branch, {&mutation, 1}, "");
}

absl::StatusOr<CommitStamp> EngineImpl::Delete(
    std::string_view branch, std::string_view space, const Point& point,
    std::optional<Revision> if_revision) {
  MutationView mutation{
      Mutation::Kind::kDelete, space, &point, {}, if_revision};
  return Commit(branch, {&mutation, 1}, "");
}

absl::StatusOr<CommitStamp> EngineImpl::Batch(
    std::string_view branch, const std::vector<Mutation>& mutations) {
  std::vector<MutationView> refs;
  refs.reserve(mutations.size());
  for (const Mutation& m : mutations) {
    refs.push_back({m.kind, m.space, &m.point, m.value, m.if_revision});
  }
  return Commit(branch, refs, "mutations");
}

absl::StatusOr<CommitStamp> EngineImpl::Batch(
    std::string_view branch, std::span<const MutationView> mutations) {
  return Commit(branch, mutations, "mutations");
}

absl::Status EngineImpl::Flush() {
  // Everything frozen is then in finished WAL segments, which can all go
  // once sealed.
  absl::Status status = pipeline_->FreezeAndRollWal();
  if (!status.ok()) return status;
  return maintenance_->SealFrozen();
}

absl::StatusOr<std::unique_ptr<BackupSource>> EngineImpl::BeginBackup(
    const BackupOptions& backup) {
  // Sealing first leaves little WAL to copy; a backup is whole without it
  // (on a full disk, say).
  if (absl::Status sealed = backup.seal_first ? Flush() : absl::OkStatus();
      !sealed.ok()) {
    options_.env.logger->warn(
        "backup: flush before it failed ({}); the WAL "
        "since the last seal goes into it instead",
        sealed.ToString());
  }
  // No catalogue event meanwhile: a branch's creation record and the
  // branch land on the same side of the backup's revision.
  absl::StatusOr<std::unique_ptr<BackupSource>> source;
  absl::Status captured = catalog_events_->WhileNoEvent([&] {
    source = CaptureBackup({options_.env.file_system, options_.data_dir,
                            &versions_, &wal_segments_, maintenance_.get()});
    return source.status();
  });
  if (!captured.ok()) return captured;
  return source;
}

absl::StatusOr<SpaceInfo> EngineImpl::CreateSpace(std::string_view name,
                                                  int dims) {
  absl::StatusOr<SpaceInfo> space =
      versions_.catalog().CreateSpace(name, dims, CurrentRevision());
  if (!space.ok()) return space;
  // An endpoint index left by a crash between dropping a space of this name
  // and dropping its index belongs to the old space. (Looked up first:
  // dropping waits for maintenance, which may be compacting.)
  const std::string index = graph::IncidenceSpace(name);
  if (versions_.catalog().FindSpace(index).ok()) {
    absl::Status dropped = DropEndpointIndex(index);
    if (!dropped.ok() && !absl::IsNotFound(dropped)) return dropped;
  }
  return space;
}

absl::StatusOr<SpaceInfo> EngineImpl::GetSpace(std::string_view name) {
  absl::StatusOr<manifest::SpaceEntry> space =
      versions_.catalog().FindSpace(name);
  if (!space.ok()) return space.status();
  return SpaceInfo{space->name, space->dims, space->created_revision};
}

std::vector<SpaceInfo> EngineImpl::ListSpaces() {
  return versions_.catalog().ListSpaces();
}

absl::Status EngineImpl::DropSpace(std::string_view name) {
  if (name.starts_with(kSystemSpacePrefix)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "space: '%s' is a system space and cannot be dropped", name));
  }
  if (absl::Status s = catalog_events_->SpaceDropping(name); !s.ok()) return s;
  return DropSpaceHere(name);
}

absl::Status EngineImpl::DropSpaceHere(std::string_view name) {
  absl::Status status = maintenance_->DropSpace(name);
  if (!status.ok()) return status;
  // Its endpoint index goes with it; the edges that touched it stay.
  const std::string index = graph::IncidenceSpace(name);
  if (!versions_.catalog().FindSpace(index).ok()) return absl::OkStatus();
  status = DropEndpointIndex(index);
  if (absl::IsNotFound(status)) return absl::OkStatus();
  return status;
}

absl::Status EngineImpl::DropEndpointIndex(const std::string& index) {
  graph::GraphCache& cache = graph_->cache();
  cache.BeginWriteAll();
  absl::Status status = maintenance_->DropSpace(index);
  cache.EndWriteAll(CurrentRevision());
  return status;
}

absl::StatusOr<BranchInfo> EngineImpl::CreateBranch(std::string_view name,
                                                    std::string_view parent) {
  return catalog_events_->CreateBranch(name, parent);
}

std::vector<BranchInfo> EngineImpl::ListBranches() {
  return versions_.catalog().ListBranches();
}

absl::StatusOr<ChangeBatch> EngineImpl::ReadChanges(const ChangeCursor& from,
                                                    size_t max_bytes) {
  return replication::ReadChanges(versions_, wal_segments_, from, max_bytes);
}

absl::Status EngineImpl::ForgetSubscriberAck(std::string_view id) {
  absl::Status status = subscriber_acks_->Forget(id);
  if (!status.ok()) return status;
  return maintenance_->ReleaseWal();
}

EngineStats EngineImpl::Stats() {
  EngineStats stats;
  stats.revision = CurrentRevision();
  manifest::CatalogState catalog = versions_.catalog().State();
  stats.sealed_revision = catalog.sealed_revision;
  stats.history_horizon = catalog.history_horizon;
  std::shared_ptr<const ReadState> state = versions_.Pin();
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
      for (const auto& level : index.levels) {
        stats.index_entries += level.size();
      }
    }
  }
  for (const auto& [number, entry] : catalog.segments) {
    stats.segment_bytes += entry.size_bytes;
    stats.segment_records += entry.record_count;
  }
  stats.cache_bytes = block_cache_.bytes();
  stats.cache_blocks = block_cache_.blocks();
  const graph::GraphCacheStats graph_cache = graph_->cache().Stats();
  stats.graph_cache_bytes = graph_cache.bytes;
  stats.graph_cache_hits = graph_cache.hits;
  stats.graph_cache_misses = graph_cache.misses;
  stats.cache_capacity_bytes = block_cache_.capacity_bytes();
  stats.wal_segments = wal_segments_.segment_count();
  wal::GroupCommitter::Stats wal = pipeline_->stats();
  stats.wal_group_writes = wal.groups;
  stats.wal_commits = wal.commits;
  stats.wal_bytes_written = wal.bytes;
  stats.seals = maintenance_->seals();
  stats.compactions = maintenance_->compactions();
  // Read first: total is never below read.
  stats.compaction_versions_read = maintenance_->compaction_versions_read();
  stats.compaction_versions_total = maintenance_->compaction_versions_total();
  return stats;
}

}  // namespace infinitedb
