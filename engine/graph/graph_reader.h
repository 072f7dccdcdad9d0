// Reads of the graph at one branch and revision: edges by id and their
// history, and the endpoint index (incident edges of a node or of every
// point in a box, degrees) and the kind index. Every read of one
// GraphReader sees the same snapshot. Traversals (traversal.h) build on it.
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
  static absl::StatusOr<GraphReader> Open(GraphStore& store, std::string branch,
                                          Revision as_of,
                                          std::string_view cursor = {});

  Revision revision() const { return revision_; }
  const std::string& branch() const { return branch_; }
  GraphStore& store() const { return *store_; }

  absl::StatusOr<std::optional<Edge>> GetEdge(EdgeId id) const;
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
  GraphReader(GraphStore* store, std::string branch, Revision revision,
              std::string record_cursor)
      : store_(store),
        branch_(std::move(branch)),
        revision_(revision),
        record_cursor_(std::move(record_cursor)) {}

  ReadOptions Options() const { return {branch_, revision_}; }
  // The snapshot of `space` at this revision, opened on first use; null
  // when the space does not exist.
  absl::StatusOr<SpaceSnapshot*> SnapshotOf(const std::string& space) const;
  using RecordFilter = absl::FunctionRef<bool(const RecordView&)>;
  // Runs an index query of a space of `dims`: visits with `deliver` the
  // records that `matches` accepts, up to `limit`, and makes the page's
  // cursor. `deliver` returns false to stop.
  absl::StatusOr<GraphPage> Page(QueryRequest request, int dims, uint64_t limit,
                                 RecordFilter matches,
                                 RecordVisitor deliver) const;

  GraphStore* store_;
  std::string branch_;
  Revision revision_ = 0;
  std::string record_cursor_;  // of the first page asked for
  mutable std::map<std::string, std::unique_ptr<SpaceSnapshot>> snapshots_;
};

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_GRAPH_READER_H_
