// Checks a hyperedge before it is written: every rule of the data model
// (two or more endpoints, a kind and roles, points with their space's
// dimensions, tails and heads on directed edges only) and the size limits of
// EngineOptions. Errors are InvalidArgument naming the field.
#ifndef INFINITEDB_ENGINE_GRAPH_EDGE_VALIDATION_H_
#define INFINITEDB_ENGINE_GRAPH_EDGE_VALIDATION_H_

#include <cstddef>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "engine/public/graph.h"
#include "engine/public/options.h"

namespace infinitedb::graph {

struct EdgeLimits {
  size_t max_endpoints = 0;
  size_t max_property_bytes = 0;
  size_t max_label_bytes = 0;

  static EdgeLimits Of(const EngineOptions& options) {
    return {options.max_edge_endpoints, options.max_edge_property_bytes,
            options.max_edge_label_bytes};
  }
};

using SpaceLookup =
    absl::FunctionRef<absl::StatusOr<SpaceInfo>(std::string_view name)>;

// `field` names the edge in errors ("edges[2]"; "edge" for a single one).
absl::Status ValidateEdge(const Edge& edge, std::string_view field,
                          const EdgeLimits& limits, SpaceLookup find_space);

// A node named by a read: its space exists and the point fits it.
absl::Status ValidateNode(const NodeRef& node, std::string_view field,
                          SpaceLookup find_space);

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_EDGE_VALIDATION_H_
