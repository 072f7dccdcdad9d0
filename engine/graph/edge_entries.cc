#include "engine/graph/edge_entries.h"

#include "engine/graph/edge_codec.h"
#include "engine/graph/graph_spaces.h"

namespace infinitedb::graph {

std::string EntrySpace(const EntryWrite& entry) {
  return entry.node_space.empty() ? kKindsSpace
                                  : IncidenceSpace(entry.node_space);
}

std::vector<EntryWrite> EntriesOf(const Edge& edge, EdgeId id) {
  std::vector<EntryWrite> entries;
  entries.reserve(1 + edge.endpoints.size());
  entries.push_back({"", KindPoint(edge.kind, id), edge.kind});
  // An edge may touch one point with several roles: one entry holds them.
  // Edges have few endpoints, so a pairwise search finds the repeats.
  const std::vector<Endpoint>& endpoints = edge.endpoints;
  auto same_node = [&](size_t a, size_t b) {
    return endpoints[a].point == endpoints[b].point &&
           endpoints[a].space == endpoints[b].space;
  };
  std::vector<std::pair<std::string_view, Polarity>> roles;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    bool repeat = false;
    for (size_t j = 0; j < i && !repeat; ++j) repeat = same_node(i, j);
    if (repeat) continue;
    roles.clear();
    for (size_t j = i; j < endpoints.size(); ++j) {
      if (same_node(i, j)) {
        roles.emplace_back(endpoints[j].role, endpoints[j].polarity);
      }
    }
    entries.push_back({endpoints[i].space,
                       IncidencePoint(endpoints[i].point, id),
                       EncodeIncidence(edge, roles)});
  }
  return entries;
}

}  // namespace infinitedb::graph
