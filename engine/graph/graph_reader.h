// Reads of the graph at one branch and revision: edges by id and their
// history, and the endpoint index (incident edges of a node or of every
// point in a box, degrees) and the kind index. Every read of one
// GraphReader sees the same snapshot. Traversals (traversal.h) build on it.
// Edges and the index entries of single nodes go through a GraphCache
// when the reader has one.
//
// Graph cursors: a version byte (1), the revision (u64), then the record
// cursor of the index query they resume.
#ifndef INFINITEDB_ENGINE_GRAPH_GRAPH_READER_H_
#define INFINITEDB_ENGINE_GRAPH_GRAPH_READER_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "engine/graph/edge_codec.h"
#include "engine/graph/graph_cache.h"
#include "engine/graph/graph_store.h"
#include "engine/public/graph.h"

namespace infinitedb::graph {

// Edge `id` from the edges space; nullopt when it has no live version.
absl::StatusOr<std::optional<Edge>> ReadEdge(GraphStore& store,
                                             const ReadOptions& options,
                                             EdgeId id);

// Whether the edge passes `filter` seen from a node with `roles` on it
// (kinds; direction; the node's roles).
bool PassesAtNode(const EdgeFilter& filter, const IncidenceEntry& entry);

class GraphReader {
 public:
  // as_of 0 = the current revision. A non-empty `cursor` (of a graph read)
  // pins its revision instead; InvalidArgument when it is not one or
  // disagrees with a non-zero as_of.
  // `cache` may be null.
  static absl::StatusOr<GraphReader> Open(GraphStore& store, GraphCache* cache,
                                          std::string branch, Revision as_of,
                                          std::string_view cursor = {});

  Revision revision() const { return revision_; }
  const std::string& branch() const { return branch_; }
  GraphStore& store() const { return *store_; }

  absl::StatusOr<std::optional<Edge>> GetEdge(EdgeId id) const;
  // The live version as stored (DecodeEdgeView reads it in place); null
  // when the edge has none.
  absl::StatusOr<std::shared_ptr<const StoredEdge>> StoredEdgeOf(
      EdgeId id) const;
  absl::StatusOr<std::vector<Edge>> History(EdgeId id) const;

  // Index entries of `node` in edge id order (unfiltered); stops when
  // `visit` returns false.
  using EntryVisitor =
      absl::FunctionRef<bool(EdgeId id, const IncidenceEntry& entry)>;
  absl::Status ScanNode(const NodeRef& node, EntryVisitor visit) const;

  absl::StatusOr<GraphPage> Incident(const NodeRef& node,
                                     const EdgeFilter& filter, uint64_t limit,
                                     IncidenceVisitor visit) const;
  absl::StatusOr<GraphPage> BoxIncident(const std::string& space,
                                        const Box& box,
                                        const EdgeFilter& filter,
                                        uint64_t limit,
                                        IncidenceVisitor visit) const;
  absl::StatusOr<GraphPage> ByKind(const std::string& kind, uint64_t limit,
                                   EdgeVisitor visit) const;
  absl::StatusOr<Degree> NodeDegree(const NodeRef& node,
                                    const EdgeFilter& filter) const;
  // The live edges with an endpoint that has no live record, in id order.
  absl::StatusOr<GraphPage> Dangling(uint64_t limit, EdgeVisitor visit) const;
  // Every live edge, in id order.
  absl::Status ScanEdges(EdgeVisitor visit) const;

 private:
  GraphReader(GraphStore* store, GraphCache* cache, uint64_t cache_generation,
              std::string branch, Revision revision, std::string record_cursor)
      : store_(store),
        cache_(cache),
        cache_generation_(cache_generation),
        branch_(std::move(branch)),
        revision_(revision),
        record_cursor_(std::move(record_cursor)) {}

  ReadOptions Options() const { return {branch_, revision_}; }
  // The snapshot of `space` at this revision, opened on first use; null
  // when the space does not exist.
  absl::StatusOr<SpaceSnapshot*> SnapshotOf(const std::string& space) const;
  // The index entries of `node` (of its space's index), in id order; for
  // a hub, whose entries are too many to hold, none but the mark
  // (NodeEntries::hub; ScanIndex streams them).
  absl::StatusOr<std::shared_ptr<const NodeEntries>> EntriesAt(
      const NodeRef& node) const;
  // The same from the cache only: null when it does not hold them.
  std::shared_ptr<const NodeEntries> CachedEntriesAt(const NodeRef& node) const;
  absl::Status ScanIndex(const NodeRef& node, RecordVisitor visit) const;
  // Incident on the first page, from EntriesAt.
  absl::StatusOr<GraphPage> NodeIncident(const NodeRef& node,
                                         const EdgeFilter& filter,
                                         uint64_t limit,
                                         IncidenceVisitor visit) const;
  using RecordFilter = absl::FunctionRef<bool(const RecordView&)>;
  // Runs an index query of a space of `dims`: visits with `deliver` the
  // records that `matches` accepts, up to `limit`, and makes the page's
  // cursor. `deliver` returns false to stop.
  absl::StatusOr<GraphPage> Page(QueryRequest request, int dims, uint64_t limit,
                                 RecordFilter matches,
                                 RecordVisitor deliver) const;

  GraphStore* store_;
  GraphCache* cache_;
  uint64_t cache_generation_;
  std::string branch_;
  Revision revision_ = 0;
  std::string record_cursor_;  // of the first page asked for
  mutable std::map<std::string, std::unique_ptr<SpaceSnapshot>> snapshots_;
};

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_GRAPH_READER_H_
