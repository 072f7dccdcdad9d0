// The engine facade: Engine::Open composes the owners of the engine's state,
// and every method delegates to one of them:
//
//   VersionSet          published read state, catalogue, visible revision
//   CommitPipeline      WAL recovery, group commit, active memtable, HLC
//   Maintenance         segment files: sealing, compaction, WAL release
//   RecordReader        Get, History, Query
//   ReplicationApplier  replicated changes with last-writer-wins, cursors
//   CatalogReplication  branch creations and drops, space drops, streamed
//   SubscriberAcks      durable acknowledgements of change-stream subscribers
//   graph::Graph        hyperedges, over the records of system spaces
//   branch::Merger      merges and their conflicts (diffs: branch::Diff)
#ifndef INFINITEDB_ENGINE_DB_ENGINE_IMPL_H_
#define INFINITEDB_ENGINE_DB_ENGINE_IMPL_H_

#include <memory>

#include "engine/branch/merger.h"
#include "engine/commit/commit_pipeline.h"
#include "engine/db/branch_store_impl.h"
#include "engine/db/catalog_replication.h"
#include "engine/db/graph_replication.h"
#include "engine/db/graph_store_impl.h"
#include "engine/db/maintenance.h"
#include "engine/db/record_reader.h"
#include "engine/graph/graph.h"
#include "engine/io/file.h"
#include "engine/public/engine.h"
#include "engine/replication/replication_applier.h"
#include "engine/replication/subscriber_acks.h"
#include "engine/segment/block_cache.h"
#include "engine/version/version_set.h"
#include "engine/wal/wal_segment_set.h"

namespace infinitedb {

class EngineImpl : public Engine {
 public:
  // `options` has its Env resolved (no null file system or clock).
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
  // Branch work (engine_branches.cc).
  absl::Status DropBranch(std::string_view name) override;
  absl::StatusOr<BranchStatus> GetBranchStatus(std::string_view name) override;
  absl::StatusOr<DiffPage> Diff(const DiffRequest& request,
                                DiffVisitor visit) override;
  absl::StatusOr<MergeResult> Merge(const MergeRequest& request) override;
  absl::StatusOr<ConflictPage> ListConflicts(std::string_view target,
                                             uint64_t limit,
                                             std::string_view cursor,
                                             ConflictVisitor visit) override;
  absl::Status ResolveConflict(const ResolveRequest& request) override;
  absl::StatusOr<MergeResult> CommitMerge(std::string_view target) override;
  absl::Status AbortMerge(std::string_view target) override;
  absl::StatusOr<std::optional<MergeStatus>> GetMergeStatus(
      std::string_view target) override;

  absl::StatusOr<CommitStamp> Put(
      std::string_view branch, std::string_view space, const Point& point,
      std::string_view value,
      std::optional<Revision> if_revision = std::nullopt) override;
  absl::StatusOr<CommitStamp> Delete(
      std::string_view branch, std::string_view space, const Point& point,
      std::optional<Revision> if_revision = std::nullopt) override;
  absl::StatusOr<CommitStamp> Batch(
      std::string_view branch, const std::vector<Mutation>& mutations) override;
  absl::StatusOr<CommitStamp> Batch(
      std::string_view branch,
      std::span<const MutationView> mutations) override;

  absl::StatusOr<std::optional<Record>> Get(const ReadOptions& options,
                                            std::string_view space,
                                            const Point& point) override {
    return reader_.Get(options, space, point);
  }
  absl::StatusOr<std::vector<Record>> History(const ReadOptions& options,
                                              std::string_view space,
                                              const Point& point) override {
    return reader_.History(options, space, point);
  }
  absl::StatusOr<QueryResult> Query(const QueryRequest& request,
                                    RecordVisitor visit) override {
    return reader_.Query(request, visit);
  }
  absl::StatusOr<QueryResult> Count(const QueryRequest& request) override {
    return reader_.Query(request, [](const RecordView&) { return true; });
  }
  using Engine::Query;

  absl::Status Flush() override;
  absl::StatusOr<std::unique_ptr<BackupSource>> BeginBackup(
      const BackupOptions& backup) override;
  absl::Status Compact(std::string_view space) override {
    return maintenance_->Compact(space);
  }

  Revision CurrentRevision() override { return versions_.visible_revision(); }

  absl::StatusOr<ChangeBatch> ReadChanges(const ChangeCursor& from,
                                          size_t max_bytes) override;
  Revision OldestChangeRevision() override { return wal_segments_.floor(); }
  Revision WaitForRevision(Revision after, int64_t timeout_ms) override {
    return versions_.WaitForRevision(after, timeout_ms);
  }
  absl::StatusOr<ReplicationApplyResult> ApplyReplicated(
      uint32_t source_node, Revision source_revision,
      std::span<const ChangeOp> ops) override {
    return applier_->Apply(source_node, source_revision, ops);
  }
  absl::StatusOr<Revision> ReplicationCursor(uint32_t source_node) override {
    return applier_->Cursor(source_node);
  }
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
  // Access-control records (engine_auth.cc).
  absl::StatusOr<CommitStamp> PutAuthRecord(std::string_view key,
                                            std::string_view payload) override;
  absl::StatusOr<CommitStamp> DeleteAuthRecord(std::string_view key) override;
  absl::StatusOr<std::map<std::string, std::string>> AuthRecords() override;
  EngineStats Stats() override;

  // The graph (engine_graph.cc).
  absl::StatusOr<WriteResult> Write(std::string_view branch,
                                    const WriteBatch& batch) override;
  absl::StatusOr<std::optional<Edge>> GetEdge(const ReadOptions& options,
                                              EdgeId id) override;
  absl::StatusOr<std::vector<Edge>> EdgeHistory(const ReadOptions& options,
                                                EdgeId id) override;
  absl::StatusOr<GraphPage> Incident(const IncidentRequest& request,
                                     IncidenceVisitor visit) override;
  absl::StatusOr<GraphPage> BoxIncident(const BoxIncidentRequest& request,
                                        IncidenceVisitor visit) override;
  absl::StatusOr<GraphPage> EdgesByKind(const KindRequest& request,
                                        EdgeVisitor visit) override;
  absl::StatusOr<Degree> NodeDegree(const IncidentRequest& request) override;
  absl::StatusOr<TraverseResult> Traverse(
      const TraverseRequest& request) override;
  absl::StatusOr<PathResult> ShortestPath(const PathRequest& request) override;
  absl::StatusOr<CycleResult> FindCycle(const CycleRequest& request) override;
  absl::Status DeclareKind(const KindDeclaration& declaration) override;
  absl::StatusOr<std::vector<KindDeclaration>> ListKinds() override;
  absl::StatusOr<GraphPage> DanglingEdges(const GraphRead& read,
                                          EdgeVisitor visit) override;

 private:
  EngineImpl(const EngineOptions& options, File lock,
             std::unique_ptr<Catalog> catalog,
             std::unique_ptr<replication::SubscriberAcks> subscriber_acks);
  absl::StatusOr<CommitStamp> Commit(std::string_view branch,
                                     std::span<const MutationView> mutations,
                                     std::string_view field_prefix);
  // Drops branch `name` (space `name`) here, recording no event.
  absl::Status DropBranchHere(std::string_view name);
  absl::Status DropSpaceHere(std::string_view name);
  // Forgets what the graph cache holds of every branch.
  void ClearGraphCache();
  // Drops the endpoint index `index` of a space, and what the graph cache
  // holds of it.
  absl::Status DropEndpointIndex(const std::string& index);
  // FailedPrecondition when `point` holds another key's auth record.
  absl::Status CheckAuthAddressFree(std::string_view key, const Point& point);

  // Constant after Open. Declared in the order they are built; the
  // destructor stops them in the reverse order.
  const EngineOptions options_;
  File lock_;
  segment::BlockCache block_cache_;
  wal::WalSegmentSet wal_segments_;
  version::VersionSet versions_;
  std::unique_ptr<replication::SubscriberAcks> subscriber_acks_;
  std::unique_ptr<Maintenance> maintenance_;
  std::unique_ptr<commit::CommitPipeline> pipeline_;
  std::unique_ptr<CatalogReplication> catalog_events_;
  std::unique_ptr<replication::ReplicationApplier> applier_;
  RecordReader reader_;
  GraphStoreImpl graph_store_;
  GraphReplication graph_replication_;
  std::unique_ptr<graph::Graph> graph_;
  BranchStoreImpl branch_store_;
  branch::Merger merger_;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_ENGINE_IMPL_H_
