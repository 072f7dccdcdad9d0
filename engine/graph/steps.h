// One step of a walk: the incident edges of a node that pass a filter, each
// with the endpoints it leads to (traversal.h says which).
#ifndef INFINITEDB_ENGINE_GRAPH_STEPS_H_
#define INFINITEDB_ENGINE_GRAPH_STEPS_H_

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "engine/graph/graph_reader.h"
#include "engine/public/graph.h"

namespace infinitedb::graph {

// Returns false to stop.
using StepVisitor = absl::FunctionRef<bool(
    const Edge& edge, const std::vector<const Endpoint*>& targets)>;

// Calls `visit` for every incident edge of `node` that passes the filter
// (kinds and direction at the node; roles choose the targets), in edge id
// order.
absl::Status ForEachStep(const GraphReader& reader, const NodeRef& node,
                         const EdgeFilter& filter, StepVisitor visit);

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_STEPS_H_
