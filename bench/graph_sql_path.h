// Shortest paths for the SQL peers, as iterative queries from the client:
// a bidirectional breadth-first search that grows, one whole level at a
// time, whichever side has the smaller frontier, asking the store for the
// neighbours of that frontier (one or a few SQL queries per level). It
// returns the fewest edges only, not the path.
#ifndef INFINITEDB_BENCH_GRAPH_SQL_PATH_H_
#define INFINITEDB_BENCH_GRAPH_SQL_PATH_H_

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "bench/graph_store.h"

namespace infinitedb::bench {

// Appends to `neighbors` every node that shares an edge with a node of
// `frontier` (duplicates and the frontier's own nodes allowed).
using NeighborsOfFrontier = absl::FunctionRef<absl::Status(
    const std::vector<Point3>& frontier, std::vector<Point3>* neighbors)>;

absl::StatusOr<PathAnswer> BidirectionalShortestPath(
    const Point3& from, const Point3& to, uint32_t max_depth,
    NeighborsOfFrontier neighbors);

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_GRAPH_SQL_PATH_H_
