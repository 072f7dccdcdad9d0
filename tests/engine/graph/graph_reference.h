// A brute-force reference for the graph's queries: a plain map of edges,
// answered by scanning all of them. The tests compare the engine to it.
#ifndef INFINITEDB_TESTS_ENGINE_GRAPH_GRAPH_REFERENCE_H_
#define INFINITEDB_TESTS_ENGINE_GRAPH_GRAPH_REFERENCE_H_

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/public/graph.h"

namespace infinitedb::testing {

using EdgeMap = std::map<EdgeId, Edge>;

inline bool Listed(const std::vector<std::string>& names,
                   const std::string& name) {
  return names.empty() ||
         std::find(names.begin(), names.end(), name) != names.end();
}

// The edges incident to `node` that pass `filter` (as Engine::Incident).
inline std::set<EdgeId> RefIncident(const EdgeMap& edges, const NodeRef& node,
                                    const EdgeFilter& filter) {
  std::set<EdgeId> ids;
  for (const auto& [id, edge] : edges) {
    if (!Listed(filter.kinds, edge.kind)) continue;
    bool at = false, tail = false, head = false, role = filter.roles.empty();
    for (const Endpoint& e : edge.endpoints) {
      if (e.space != node.space || e.point != node.point) continue;
      at = true;
      tail = tail || e.polarity == Polarity::kTail;
      head = head || e.polarity == Polarity::kHead;
      role = role || Listed(filter.roles, e.role);
    }
    if (!at || !role) continue;
    if (filter.direction == Direction::kOutgoing && !(edge.directed && tail)) {
      continue;
    }
    if (filter.direction == Direction::kIncoming && !(edge.directed && head)) {
      continue;
    }
    if (filter.direction == Direction::kNeutral && edge.directed) continue;
    ids.insert(id);
  }
  return ids;
}

// The nodes one step from `node` (as traversal.h defines a step).
inline std::vector<std::pair<EdgeId, NodeRef>> RefSteps(
    const EdgeMap& edges, const NodeRef& node, const EdgeFilter& filter) {
  EdgeFilter at_node = filter;
  at_node.roles.clear();
  std::vector<std::pair<EdgeId, NodeRef>> steps;
  for (EdgeId id : RefIncident(edges, node, at_node)) {
    const Edge& edge = edges.at(id);
    for (const Endpoint& e : edge.endpoints) {
      if (e.space == node.space && e.point == node.point) continue;
      if (filter.direction == Direction::kOutgoing &&
          e.polarity != Polarity::kHead) {
        continue;
      }
      if (filter.direction == Direction::kIncoming &&
          e.polarity != Polarity::kTail) {
        continue;
      }
      if (!Listed(filter.roles, e.role)) continue;
      steps.push_back({id, NodeRef{e.space, e.point}});
    }
  }
  return steps;
}

// BFS levels of every node reached within `depth` (no B-connectivity).
inline std::map<NodeRef, uint32_t> RefLevels(const EdgeMap& edges,
                                             const std::vector<NodeRef>& starts,
                                             const EdgeFilter& filter,
                                             uint32_t depth) {
  std::map<NodeRef, uint32_t> level;
  std::vector<NodeRef> frontier;
  for (const NodeRef& s : starts) {
    if (level.emplace(s, 0).second) frontier.push_back(s);
  }
  for (uint32_t l = 0; l < depth; ++l) {
    std::vector<NodeRef> next;
    for (const NodeRef& n : frontier) {
      for (const auto& [id, target] : RefSteps(edges, n, filter)) {
        if (level.emplace(target, l + 1).second) next.push_back(target);
      }
    }
    frontier = std::move(next);
  }
  return level;
}

// B-connected closure: a directed edge's heads are reached once all its
// tails are; levels are one more than the last tail's.
inline std::map<NodeRef, uint32_t> RefBLevels(
    const EdgeMap& edges, const std::vector<NodeRef>& starts,
    const EdgeFilter& filter, uint32_t depth) {
  std::map<NodeRef, uint32_t> level;
  for (const NodeRef& s : starts) level.emplace(s, 0);
  for (uint32_t l = 0; l < depth; ++l) {
    std::map<NodeRef, uint32_t> added;
    for (const auto& [id, edge] : edges) {
      if (!edge.directed || !Listed(filter.kinds, edge.kind)) continue;
      bool all_tails = true, fired_now = false;
      for (const Endpoint& e : edge.endpoints) {
        if (e.polarity != Polarity::kTail) continue;
        auto it = level.find(NodeRef{e.space, e.point});
        if (it == level.end())
          all_tails = false;
        else if (it->second == l)
          fired_now = true;
      }
      if (!all_tails || !fired_now) continue;
      for (const Endpoint& e : edge.endpoints) {
        NodeRef n{e.space, e.point};
        if (e.polarity == Polarity::kHead && Listed(filter.roles, e.role) &&
            !level.count(n)) {
          added.emplace(n, l + 1);
        }
      }
    }
    level.insert(added.begin(), added.end());
  }
  return level;
}

// Fewest edges from `from` to `to`, or nullopt.
inline std::optional<uint32_t> RefDistance(const EdgeMap& edges,
                                           const NodeRef& from,
                                           const NodeRef& to,
                                           const EdgeFilter& filter,
                                           uint32_t depth) {
  std::map<NodeRef, uint32_t> levels = RefLevels(edges, {from}, filter, depth);
  auto it = levels.find(to);
  if (it == levels.end()) return std::nullopt;
  return it->second;
}

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_ENGINE_GRAPH_GRAPH_REFERENCE_H_
