// The engine facade's implementation. Its methods are split by concern:
// engine_impl.cc (open, recovery, writes, catalogue), engine_reads.cc
// (snapshots and queries), engine_maintenance.cc (freezing, sealing,
// compaction, WAL release), engine_replication.cc (the change stream and
// applying replicated changes).
#ifndef INFINITEDB_ENGINE_DB_ENGINE_IMPL_H_
#define INFINITEDB_ENGINE_DB_ENGINE_IMPL_H_

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "engine/db/catalog.h"
#include "engine/db/hlc_clock.h"
#include "engine/db/read_state.h"
#include "engine/db/write_path.h"
#include "engine/io/file.h"
#include "engine/public/engine.h"
#include "engine/replication/subscriber_acks.h"
#include "engine/segment/block_cache.h"
#include "engine/segment/retention.h"
#include "engine/wal/group_commit.h"
#include "engine/wal/wal_recovery.h"
#include "engine/wal/wal_segment_set.h"

namespace infinitedb {

class EngineImpl : public Engine {
 public:
  static absl::StatusOr<std::unique_ptr<EngineImpl>> Open(
      const EngineOptions& options);
  ~EngineImpl() override;

  absl::StatusOr<SpaceInfo> CreateSpace(std::string_view name,
                                        int dims) override;
  absl::StatusOr<SpaceInfo> GetSpace(std::string_view name) override;
  std::vector<SpaceInfo> ListSpaces() override;
  absl::Status DropSpace(std::string_view name) override;
  absl::StatusOr<BranchInfo> CreateBranch(std::string_view name,
                                          std::string_view parent) override;
  std::vector<BranchInfo> ListBranches() override;

  absl::StatusOr<CommitStamp> Put(std::string_view branch,
                                  std::string_view space, const Point& point,
                                  std::string_view value) override;
  absl::StatusOr<CommitStamp> Delete(std::string_view branch,
                                     std::string_view space,
                                     const Point& point) override;
  absl::StatusOr<CommitStamp> Batch(
      std::string_view branch, const std::vector<Mutation>& mutations) override;
  absl::StatusOr<CommitStamp> Batch(
      std::string_view branch,
      std::span<const MutationView> mutations) override;

  absl::StatusOr<std::optional<Record>> Get(const ReadOptions& options,
                                            std::string_view space,
                                            const Point& point) override;
  absl::StatusOr<std::vector<Record>> History(const ReadOptions& options,
                                              std::string_view space,
                                              const Point& point) override;
  absl::StatusOr<QueryResult> Query(const QueryRequest& request,
                                    RecordVisitor visit) override;
  absl::StatusOr<QueryResult> Count(const QueryRequest& request) override;
  using Engine::Query;

  absl::Status Flush() override;
  absl::Status Compact(std::string_view space) override;

  Revision CurrentRevision() override {
    return visible_revision_.load(std::memory_order_acquire);
  }

  absl::StatusOr<ChangeBatch> ReadChanges(const ChangeCursor& from,
                                          size_t max_bytes) override;
  Revision OldestChangeRevision() override { return wal_segments_.floor(); }
  Revision WaitForRevision(Revision after, int64_t timeout_ms) override;
  absl::StatusOr<ReplicationApplyResult> ApplyReplicated(
      uint32_t source_node, Revision source_revision,
      std::span<const ChangeOp> ops) override;
  absl::StatusOr<Revision> ReplicationCursor(uint32_t source_node) override;
  void SetSubscriberAck(std::string_view id, Revision acked) override {
    subscriber_acks_->Set(id, acked);
  }
  absl::Status PersistSubscriberAcks() override {
    return subscriber_acks_->Persist();
  }
  absl::Status ForgetSubscriberAck(std::string_view id) override;
  std::map<std::string, Revision> SubscriberAcks() override {
    return subscriber_acks_->All();
  }
  EngineStats Stats() override;

 private:
  EngineImpl(const EngineOptions& options, io::File lock,
             std::unique_ptr<Catalog> catalog,
             std::unique_ptr<replication::SubscriberAcks> subscriber_acks);

  // engine_impl.cc
  absl::Status Recover();
  absl::Status OpenSegments();
  absl::StatusOr<CommitStamp> Commit(std::string_view branch,
                                     std::span<const MutationView> mutations,
                                     std::string_view field_prefix);
  void ApplyGroup(std::span<wal::PendingCommit* const> group);
  std::shared_ptr<const ReadState> PinState() const;

  // engine_replication.cc
  struct ReplicatedCommit;
  // Commit thread: keeps the replicated operations that win
  // last-writer-wins against everything committed before, adds the source
  // cursor and encodes the commit.
  absl::Status PrepareReplicated(wal::PendingCommit& pending);
  // Turns WAL commits into change sets with names, leaving out system
  // spaces, dropped spaces and commits left empty by that.
  static void AppendChangeSets(const manifest::CatalogState& catalog,
                               std::vector<wal::WalCommit>& commits,
                               std::vector<ChangeSet>* changes);
  // Checks every op's branch, space and dimensions, then creates the
  // missing branches (from main) and spaces; creates nothing on error.
  absl::Status CreateMissingForReplication(std::span<const ChangeOp> ops);
  // The op's space, FailedPrecondition if its dimensions differ.
  absl::StatusOr<manifest::SpaceEntry> SpaceForReplication(const ChangeOp& op,
                                                           size_t index);

  // engine_reads.cc
  struct Snapshot;
  absl::StatusOr<Snapshot> NewSnapshot(std::string_view branch, Revision as_of,
                                       std::string_view space);

  // engine_maintenance.cc
  // Commit thread only: freezes the active memtable into the frozen list.
  void FreezeActive();
  void BackgroundLoop();
  absl::Status SealOldestFrozen()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(maintenance_mu_);
  // Merges `inputs` (segments of one space); `all_segments` when they are
  // every segment of the space (then old tombstones may be dropped).
  absl::Status CompactSegments(
      uint32_t space_id,
      const std::vector<std::shared_ptr<segment::SegmentReader>>& inputs,
      bool all_segments) ABSL_EXCLUSIVE_LOCKS_REQUIRED(maintenance_mu_);
  absl::Status CompactTiers() ABSL_EXCLUSIVE_LOCKS_REQUIRED(maintenance_mu_);
  absl::Status ReleaseWal();
  segment::RetentionPolicy RetentionFor(bool all_segments) const;
  void DeleteSegmentFiles(const std::vector<uint64_t>& file_numbers);
  std::string SegmentPath(uint64_t file_number) const;

  // Constant after construction.
  const EngineOptions options_;
  FileSystem* const fs_;  // options_.env.file_system
  const std::string segment_dir_;
  io::File lock_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<replication::SubscriberAcks> subscriber_acks_;
  HlcClock hlc_;
  segment::BlockCache block_cache_;
  wal::WalSegmentSet wal_segments_;

  mutable absl::Mutex state_mu_;
  std::shared_ptr<const ReadState> state_ ABSL_GUARDED_BY(state_mu_);

  // Owned by whichever thread writes a commit group after Open (the commit
  // thread or a lone committer; one at a time: GroupCommitter::writing_).
  Revision last_revision_ = 0;
  // No stored version has a greater HLC: a replicated write above it wins
  // last-writer-wins without looking anything up.
  uint64_t max_stored_hlc_ = 0;
  std::shared_ptr<mvcc::MemTable> active_;
  // The group being written: staged in active_, visible once published.
  std::optional<mvcc::MemTable::BatchAdder> staged_;
  std::atomic<Revision> visible_revision_{0};
  // WaitForRevision() sleeps on this; publishing wakes it when anyone waits.
  absl::Mutex publish_mu_;
  std::atomic<int> publish_waiters_{0};

  // Serialises sealing, compaction and dropping of segment files.
  absl::Mutex maintenance_mu_;
  absl::Mutex background_mu_;
  bool background_wakeup_ ABSL_GUARDED_BY(background_mu_) = false;
  bool background_stopping_ ABSL_GUARDED_BY(background_mu_) = false;
  std::thread background_;
  std::atomic<uint64_t> seals_{0};
  std::atomic<uint64_t> compactions_{0};

  std::unique_ptr<wal::GroupCommitter> committer_;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_ENGINE_IMPL_H_
