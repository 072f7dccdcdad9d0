#include "engine/graph/edge_entries.h"

#include <map>

#include "engine/graph/edge_codec.h"
#include "engine/graph/graph_spaces.h"

namespace infinitedb::graph {

std::vector<EntryWrite> EntriesOf(const Edge& edge) {
  std::vector<EntryWrite> entries;
  entries.push_back(
      {kKindsSpace, "", KindPoint(edge.kind, edge.id), edge.kind});
  // An edge may touch one point with several roles: one entry holds them.
  std::map<NodeRef, std::vector<std::pair<std::string_view, Polarity>>> nodes;
  for (const Endpoint& endpoint : edge.endpoints) {
    nodes[NodeRef{endpoint.space, endpoint.point}].emplace_back(
        endpoint.role, endpoint.polarity);
  }
  for (const auto& [node, roles] : nodes) {
    entries.push_back({IncidenceSpace(node.space), node.space,
                       IncidencePoint(node.point, edge.id),
                       EncodeIncidence(edge, roles)});
  }
  return entries;
}

}  // namespace infinitedb::graph
