// Walks of the graph over one GraphReader snapshot: breadth-first k-hop
// traversal (with B-connectivity), shortest paths (fewest edges, or least
// weight), and a search for a directed cycle. A step from a node follows
// the node's incident edges that pass the filter's kinds and direction to
// the edge's other endpoints (the heads when walking outgoing, the tails
// when incoming, every other endpoint otherwise) whose role the filter
// allows.
#ifndef INFINITEDB_ENGINE_GRAPH_TRAVERSAL_H_
#define INFINITEDB_ENGINE_GRAPH_TRAVERSAL_H_

#include "absl/status/statusor.h"
#include "engine/graph/graph_reader.h"
#include "engine/public/graph.h"

namespace infinitedb::graph {

absl::StatusOr<TraverseResult> Traverse(const GraphReader& reader,
                                        const TraverseRequest& request);

// NotFound when `to` is not reachable within request.max_depth edges.
absl::StatusOr<PathResult> ShortestPath(const GraphReader& reader,
                                        const PathRequest& request);

// Over the directed edges of request.kinds (every kind when empty).
absl::StatusOr<CycleResult> FindCycle(const GraphReader& reader,
                                      const CycleRequest& request);

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_TRAVERSAL_H_
