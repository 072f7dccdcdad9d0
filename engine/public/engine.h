// The engine's public API: open a data directory, manage spaces and
// branches, write records (each commit one revision), and read them exactly
// as of any revision. This header and types.h/options.h are all a user of
// the engine needs.
//
// Thread-safety: every method may be called from any number of threads at
// once. A read runs against one snapshot: it sees exactly the commits up to
// one revision. Errors name the offending field ("point: ...").
#ifndef INFINITEDB_ENGINE_PUBLIC_ENGINE_H_
#define INFINITEDB_ENGINE_PUBLIC_ENGINE_H_

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/backup.h"
#include "engine/public/branches.h"
#include "engine/public/changes.h"
#include "engine/public/graph.h"
#include "engine/public/options.h"
#include "engine/public/reads.h"
#include "engine/public/types.h"

namespace infinitedb {

// Counters for monitoring; each figure is read at one moment, not all at
// the same one.
struct EngineStats {
  Revision revision = 0;          // newest visible revision
  Revision sealed_revision = 0;   // every revision <= this is in segments
  Revision history_horizon = 0;   // reads below this are OutOfRange
  uint64_t memtable_bytes = 0;    // active + frozen memtables
  uint64_t frozen_memtables = 0;  // waiting to be sealed
  uint64_t cache_bytes = 0;       // block cache contents
  uint64_t cache_blocks = 0;
  uint64_t cache_capacity_bytes = 0;
  uint64_t graph_cache_bytes = 0;   // stored edges and node index entries
  uint64_t graph_cache_hits = 0;    // since open
  uint64_t graph_cache_misses = 0;  // since open
  uint64_t segments = 0;            // sealed segment files
  uint64_t segment_bytes = 0;
  uint64_t segment_records = 0;
  uint64_t blocks = 0;             // data blocks in all segments
  uint64_t index_entries = 0;      // block entries + R-tree nodes
  uint64_t wal_segments = 0;       // WAL files on disk
  uint64_t wal_group_writes = 0;   // WAL writes since open (one fdatasync each
                                   // in sync mode)
  uint64_t wal_commits = 0;        // commits acknowledged since open
  uint64_t wal_bytes_written = 0;  // WAL bytes written since open
  uint64_t seals = 0;              // memtables sealed since open
  uint64_t compactions = 0;        // compactions since open
  // Input versions of the compactions begun since open, and of those read
  // so far: total - read is what running compactions have left.
  uint64_t compaction_versions_total = 0;
  uint64_t compaction_versions_read = 0;
};

class Engine {
 public:
  // Opens or creates the database in options.data_dir, replaying its WAL.
  // Fails with DataLoss (naming file and offset) on corruption other than a
  // torn tail, and with FailedPrecondition if another process holds it.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(
      const EngineOptions& options);

  // Closing waits for in-flight commits and makes the WAL durable.
  virtual ~Engine() = default;

  // Spaces: named datasets with a fixed number of dimensions (1..16).
  virtual absl::StatusOr<SpaceInfo> CreateSpace(std::string_view name,
                                                int dims) = 0;
  virtual absl::StatusOr<SpaceInfo> GetSpace(std::string_view name) = 0;
  virtual std::vector<SpaceInfo> ListSpaces() = 0;
  // Drops the space and all its records on every branch.
  virtual absl::Status DropSpace(std::string_view name) = 0;

  // Branches: `main` always exists. A new branch sees `parent` as of the
  // parent's current revision, plus its own writes.
  virtual absl::StatusOr<BranchInfo> CreateBranch(std::string_view name,
                                                  std::string_view parent) = 0;
  virtual std::vector<BranchInfo> ListBranches() = 0;
  // Drops a branch and its own data. FailedPrecondition for main, a branch
  // with children, or one a merge in progress involves.
  virtual absl::Status DropBranch(std::string_view name) = 0;
  // The branch against its parent since their merge base (counts cost
  // work proportional to the changes on both sides).
  virtual absl::StatusOr<BranchStatus> GetBranchStatus(
      std::string_view name) = 0;

  // Branch work (branches.h). A diff visits the addresses and edges whose
  // live versions differ between the sides, in space and key order.
  virtual absl::StatusOr<DiffPage> Diff(const DiffRequest& request,
                                        DiffVisitor visit) = 0;
  // Merges request.source into request.target, three-way from their merge
  // base. Conflicts under kFailOnConflict leave the merge in progress:
  // resolve each, then CommitMerge (FailedPrecondition, naming how many
  // remain, while any is unresolved), or AbortMerge. A second merge into a
  // target with one in progress is Aborted.
  virtual absl::StatusOr<MergeResult> Merge(const MergeRequest& request) = 0;
  virtual absl::StatusOr<ConflictPage> ListConflicts(std::string_view target,
                                                     uint64_t limit,
                                                     std::string_view cursor,
                                                     ConflictVisitor visit) = 0;
  virtual absl::Status ResolveConflict(const ResolveRequest& request) = 0;
  virtual absl::StatusOr<MergeResult> CommitMerge(std::string_view target) = 0;
  virtual absl::Status AbortMerge(std::string_view target) = 0;
  // nullopt when no merge into `target` is in progress.
  virtual absl::StatusOr<std::optional<MergeStatus>> GetMergeStatus(
      std::string_view target) = 0;

  // Writes. Each returns once the commit is acknowledged (durable in sync
  // mode) and visible to reads, with its revision and HLC. `if_revision`
  // is a precondition (Mutation::if_revision): the write happens only if
  // the address's current live version has that revision (0 = none), else
  // FailedPrecondition naming the current revision, and nothing is written.
  virtual absl::StatusOr<CommitStamp> Put(
      std::string_view branch, std::string_view space, const Point& point,
      std::string_view value,
      std::optional<Revision> if_revision = std::nullopt) = 0;
  virtual absl::StatusOr<CommitStamp> Delete(
      std::string_view branch, std::string_view space, const Point& point,
      std::optional<Revision> if_revision = std::nullopt) = 0;
  // All mutations or none, as one revision. When several mutations name the
  // same address, the last one wins.
  virtual absl::StatusOr<CommitStamp> Batch(
      std::string_view branch, const std::vector<Mutation>& mutations) = 0;
  // The same without copying: for large batches built from existing data.
  virtual absl::StatusOr<CommitStamp> Batch(
      std::string_view branch, std::span<const MutationView> mutations) = 0;

  // Reads. nullopt when the address has no version at as_of or its newest
  // one is a tombstone.
  virtual absl::StatusOr<std::optional<Record>> Get(const ReadOptions& options,
                                                    std::string_view space,
                                                    const Point& point) = 0;
  // Every version of the address up to as_of, newest first, tombstones
  // included (Record::deleted).
  virtual absl::StatusOr<std::vector<Record>> History(
      const ReadOptions& options, std::string_view space,
      const Point& point) = 0;
  // Visits the live records of the request's shape, in Hilbert order, up
  // to the limit. The visitor may stop early by returning false (then
  // next_cursor resumes after the last record it accepted).
  virtual absl::StatusOr<QueryResult> Query(const QueryRequest& request,
                                            RecordVisitor visit) = 0;
  // Counts them without materializing them (the limit applies).
  virtual absl::StatusOr<QueryResult> Count(const QueryRequest& request) = 0;

  // Conveniences over Query: every live record of the space, and every live
  // record inside the inclusive box.
  absl::Status Scan(const ReadOptions& options, std::string_view space,
                    RecordVisitor visit);
  absl::Status Query(const ReadOptions& options, std::string_view space,
                     const Box& box, RecordVisitor visit);

  // The graph (graph.h). Write commits records and edges as one revision,
  // all or nothing: a put replaces the whole edge and its endpoint index
  // entries, a delete writes a tombstone (deleting an edge that has no live
  // version is NotFound). Bad input is InvalidArgument naming the field
  // ("edges[2].endpoints[0].point: ...") and writes nothing.
  virtual absl::StatusOr<WriteResult> Write(std::string_view branch,
                                            const WriteBatch& batch) = 0;
  // The edge as of options.as_of; nullopt when it has no live version.
  virtual absl::StatusOr<std::optional<Edge>> GetEdge(
      const ReadOptions& options, EdgeId id) = 0;
  // Every version of the edge up to as_of, newest first, tombstones
  // included (Edge::deleted).
  virtual absl::StatusOr<std::vector<Edge>> EdgeHistory(
      const ReadOptions& options, EdgeId id) = 0;
  // The edges incident to one node that pass the filter, in edge id order,
  // read from the endpoint index (work proportional to the node's degree).
  virtual absl::StatusOr<GraphPage> Incident(const IncidentRequest& request,
                                             IncidenceVisitor visit) = 0;
  // The incident edges of every point of a box of a space, through the
  // spatial index: one Incidence per (point, edge), in Hilbert order of the
  // points.
  virtual absl::StatusOr<GraphPage> BoxIncident(
      const BoxIncidentRequest& request, IncidenceVisitor visit) = 0;
  // The live edges of one kind, in id order, from the kind index.
  virtual absl::StatusOr<GraphPage> EdgesByKind(const KindRequest& request,
                                                EdgeVisitor visit) = 0;
  // A node's degree from the index alone (request.read.limit and cursor are
  // ignored).
  virtual absl::StatusOr<Degree> NodeDegree(const IncidentRequest& request) = 0;
  // Breadth-first walk from the starts, reading one snapshot.
  virtual absl::StatusOr<TraverseResult> Traverse(
      const TraverseRequest& request) = 0;
  // NotFound when `to` cannot be reached within max_depth edges.
  virtual absl::StatusOr<PathResult> ShortestPath(
      const PathRequest& request) = 0;
  virtual absl::StatusOr<CycleResult> FindCycle(
      const CycleRequest& request) = 0;

  // The kind catalogue (one per database): declaring a kind again
  // replaces its declaration. ListKinds is in kind order.
  virtual absl::Status DeclareKind(const KindDeclaration& declaration) = 0;
  virtual absl::StatusOr<std::vector<KindDeclaration>> ListKinds() = 0;
  // The live edges with an endpoint that has no live record at the read's
  // branch and revision, in id order.
  virtual absl::StatusOr<GraphPage> DanglingEdges(const GraphRead& read,
                                                  EdgeVisitor visit) = 0;

  // Conveniences over Write: one edge.
  absl::StatusOr<WriteResult> PutEdge(
      std::string_view branch, Edge edge,
      std::optional<Revision> if_revision = std::nullopt);
  absl::StatusOr<WriteResult> DeleteEdge(
      std::string_view branch, EdgeId id,
      std::optional<Revision> if_revision = std::nullopt);

  // Seals every memtable into segment files and returns once they are
  // durable (the WAL they cover is then released).
  virtual absl::Status Flush() = 0;

  // A consistent backup at the current revision (backup.h), to be read
  // while writes go on; it holds its files open until destroyed.
  virtual absl::StatusOr<std::unique_ptr<BackupSource>> BeginBackup(
      const BackupOptions& options) = 0;
  // Merges all segments of `space` (every space if empty) into one,
  // applying history retention; returns when done.
  virtual absl::Status Compact(std::string_view space) = 0;

  // The newest visible revision.
  virtual Revision CurrentRevision() = 0;

  // The change stream: the committed change sets after `from.after`, in
  // revision order, read back from the WAL, about `max_bytes` at a time
  // (at least one change set when there is one). Operations on system
  // spaces are left out, but for the graph's edges (kGraphEdgesSpace), whose
  // index entries a server that applies them derives itself. OutOfRange, naming
  // OldestChangeRevision(), once the WAL no longer holds every revision after
  // `from.after`.
  virtual absl::StatusOr<ChangeBatch> ReadChanges(const ChangeCursor& from,
                                                  size_t max_bytes) = 0;
  // Subscriptions can start after this revision or any newer one.
  virtual Revision OldestChangeRevision() = 0;
  // Blocks until the newest visible revision is beyond `after`, or for at
  // most `timeout_ms`; returns the newest visible revision.
  virtual Revision WaitForRevision(Revision after, int64_t timeout_ms) = 0;

  // Replication: applies changes received from server `source_node` with
  // last-writer-wins on (hlc, origin) per address (an operation whose stamp
  // is not newer than the stored newest version, tombstones included, is
  // dropped and counted as stale), and in the same revision stores
  // `source_revision` as the cursor for that source. Missing spaces and
  // branches are created (branches from main). Edges resolve the same way
  // per edge id, and a winning edge's index entries are rewritten in the
  // same revision. All or nothing.
  virtual absl::StatusOr<ReplicationApplyResult> ApplyReplicated(
      uint32_t source_node, Revision source_revision,
      std::span<const ChangeOp> ops) = 0;
  // The cursor stored for `source_node`: 0 when none.
  virtual absl::StatusOr<Revision> ReplicationCursor(uint32_t source_node) = 0;

  // Acknowledgements of change-stream subscribers (peers, change-data
  // capture), by subscriber id (at most 200 bytes; longer ids are cut).
  // The WAL is kept from the oldest one on (within
  // EngineOptions::replication_retention_revisions), also across restarts.
  // Set records that `id` has applied every change up to `acked` (it may go
  // back when a subscriber starts over); it is made durable by the next
  // PersistSubscriberAcks() or on close.
  virtual void SetSubscriberAck(std::string_view id, Revision acked) = 0;
  virtual absl::Status PersistSubscriberAcks() = 0;
  // Drops `id` durably, releasing the WAL it held; NotFound if unknown.
  virtual absl::Status ForgetSubscriberAck(std::string_view id) = 0;
  virtual std::map<std::string, Revision> SubscriberAcks() = 0;

  // Access-control records (the server's users, roles and settings), by
  // key (1 to 512 bytes), in the streamed system space __auth on main: they
  // replicate with last-writer-wins per key, and a backup holds them. The
  // engine does not read the payloads.
  virtual absl::StatusOr<CommitStamp> PutAuthRecord(
      std::string_view key, std::string_view payload) = 0;
  virtual absl::StatusOr<CommitStamp> DeleteAuthRecord(
      std::string_view key) = 0;
  // The live record of every key.
  virtual absl::StatusOr<std::map<std::string, std::string>> AuthRecords() = 0;

  virtual EngineStats Stats() = 0;
};

// Collects a scan or query into records (convenience for small results).
absl::StatusOr<std::vector<Record>> ScanAll(Engine& engine,
                                            const ReadOptions& options,
                                            std::string_view space);
absl::StatusOr<std::vector<Record>> QueryAll(Engine& engine,
                                             const ReadOptions& options,
                                             std::string_view space,
                                             const Box& box);

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_ENGINE_H_
