// One step of a walk: the incident edges of a node that pass a filter, each
// with the endpoints it leads to (traversal.h says which).
#ifndef INFINITEDB_ENGINE_GRAPH_STEPS_H_
#define INFINITEDB_ENGINE_GRAPH_STEPS_H_

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "engine/graph/edge_codec.h"
#include "engine/graph/graph_reader.h"
#include "engine/public/graph.h"

namespace infinitedb::graph {

// Returns false to stop. The views are valid during the call.
using StepVisitor =
    absl::FunctionRef<bool(EdgeId id, const EdgeView& edge,
                           const std::vector<const EndpointView*>& targets)>;

// Whether a walk still needs edge `id` (it is read only if so).
using EdgeWanted = absl::FunctionRef<bool(EdgeId id)>;

// Calls `visit` for every incident edge of `node` that passes the filter
// (kinds and direction at the node; roles choose the targets) and that the
// walk wants, in edge id order.
//
// An edge leads to the same targets from each of its endpoints, less the
// endpoint itself, which a walk has reached already: so a walk that is not
// B-connected wants each edge once, from the first of its endpoints that it
// expands (also a shortest path: that endpoint is the nearest).
absl::Status ForEachStep(const GraphReader& reader, const NodeRef& node,
                         const EdgeFilter& filter, EdgeWanted wanted,
                         StepVisitor visit);

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_STEPS_H_
