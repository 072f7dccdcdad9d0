// Turns a WriteBatch into the record mutations of one commit: the user's
// records first (so their errors keep their indexes), then for every edge
// mutation its edge record, its kind entry and its endpoint index entries,
// deleting the entries of the version it replaces. An edge's previous
// version is read first; the commit then carries a precondition on it, so a
// concurrent write to the same edge fails the commit instead of leaving
// stale index entries (Graph::Write plans again).
#ifndef INFINITEDB_ENGINE_GRAPH_EDGE_WRITE_PLAN_H_
#define INFINITEDB_ENGINE_GRAPH_EDGE_WRITE_PLAN_H_

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/graph/graph_store.h"
#include "engine/public/graph.h"

namespace infinitedb::graph {

struct EdgeWritePlan {
  // Stable storage for what the mutations point to.
  std::deque<Point> points;
  std::deque<std::string> values;
  std::vector<MutationView> mutations;
  // The revision of each edge's previous live version (0 = none) that the
  // plan assumed; the commit's preconditions check them.
  std::map<EdgeId, Revision> assumed;
};

// `ids` holds the id of each edge mutation (assigned ones filled in). The
// batch has been validated. FailedPrecondition when an edge's if_revision
// does not hold; NotFound when a delete names an edge with no live version.
absl::StatusOr<EdgeWritePlan> PlanEdgeWrite(GraphStore& store,
                                            std::string_view branch,
                                            const WriteBatch& batch,
                                            const std::vector<EdgeId>& ids,
                                            const std::vector<bool>& fresh);

// The revision of the live version of edge `id` on `branch` now (0: none).
absl::StatusOr<Revision> CurrentEdgeRevision(GraphStore& store,
                                             std::string_view branch,
                                             EdgeId id);

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_EDGE_WRITE_PLAN_H_
