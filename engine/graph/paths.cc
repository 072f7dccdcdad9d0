// ShortestPath and FindCycle of traversal.h.
#include <algorithm>
#include <queue>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "engine/graph/node_key.h"
#include "engine/graph/steps.h"
#include "engine/graph/traversal.h"

namespace infinitedb::graph {
namespace {

struct Reach {
  int64_t distance = 0;
  uint32_t hops = 0;
  std::string parent;  // empty for the start
  EdgeId edge = 0;
  bool settled = false;
};

PathResult Reconstruct(const absl::flat_hash_map<std::string, Reach>& reach,
                       const WalkNodeKeys& keys, const std::string& to,
                       Revision revision) {
  PathResult path;
  path.revision = revision;
  path.total_weight = reach.at(to).distance;
  for (std::string at = to;;) {
    const Reach& step = reach.at(at);
    path.nodes.push_back(keys.NodeOf(at));
    if (step.parent.empty()) break;
    path.edges.push_back(step.edge);
    at = step.parent;
  }
  std::reverse(path.nodes.begin(), path.nodes.end());
  std::reverse(path.edges.begin(), path.edges.end());
  return path;
}

}  // namespace

absl::StatusOr<PathResult> ShortestPath(const GraphReader& reader,
                                        const PathRequest& request) {
  WalkNodeKeys keys;
  const std::string from = keys.Of(request.from), to = keys.Of(request.to);
  absl::flat_hash_map<std::string, Reach> reach;
  reach[from] = Reach{};
  // (distance, hops, order, node): ties go to fewer hops, then to the
  // first found, so answers are deterministic.
  using Entry = std::tuple<int64_t, uint32_t, uint64_t, std::string>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
  uint64_t order = 0;
  queue.push({0, 0, order++, from});
  absl::flat_hash_set<EdgeId> walked;
  absl::Status failure;
  while (!queue.empty()) {
    const int64_t distance = std::get<0>(queue.top());
    const uint32_t hops = std::get<1>(queue.top());
    const std::string key = std::get<3>(queue.top());
    queue.pop();
    Reach& here = reach[key];
    if (here.settled) continue;
    here.settled = true;
    if (key == to) return Reconstruct(reach, keys, to, reader.revision());
    if (hops >= request.max_depth) continue;
    absl::Status status = ForEachStep(
        reader, keys.NodeOf(key), request.filter,
        [&](EdgeId id) { return walked.insert(id).second; },
        [&](EdgeId id, const EdgeView& edge,
            const std::vector<const EndpointView*>& targets) {
          const int64_t weight = request.weighted ? edge.weight.value_or(1) : 1;
          if (weight < 0) {
            failure = absl::FailedPreconditionError(absl::StrFormat(
                "weighted: edge %d has the negative weight %d", id, weight));
            return false;
          }
          for (const EndpointView* target : targets) {
            std::string next = keys.Of(*target);
            auto [it, added] = reach.try_emplace(next);
            Reach& there = it->second;
            if (there.settled ||
                (!added && there.distance <= distance + weight)) {
              continue;
            }
            there = Reach{distance + weight, hops + 1, key, id, false};
            queue.push({there.distance, there.hops, order++, next});
          }
          return true;
        });
    if (!status.ok()) return status;
    if (!failure.ok()) return failure;
  }
  return absl::NotFoundError(absl::StrFormat(
      "to: not reachable from 'from' within %d edges at revision %d",
      request.max_depth, reader.revision()));
}

namespace {

// Directed arcs tail -> head of the chosen edges, by tail.
using Arcs = absl::flat_hash_map<std::string,
                                 std::vector<std::pair<EdgeId, std::string>>>;

absl::Status CollectArcs(const GraphReader& reader,
                         const std::vector<std::string>& kinds, Arcs* arcs) {
  auto add = [&](const Edge& edge) {
    if (!edge.directed) return true;
    for (const Endpoint& tail : edge.endpoints) {
      if (tail.polarity != Polarity::kTail) continue;
      for (const Endpoint& head : edge.endpoints) {
        if (head.polarity != Polarity::kHead) continue;
        (*arcs)[NodeKey(tail.space, tail.point)].emplace_back(
            edge.id, NodeKey(head.space, head.point));
      }
    }
    return true;
  };
  if (kinds.empty()) return reader.ScanEdges(add);
  for (const std::string& kind : kinds) {
    absl::StatusOr<GraphPage> page = reader.ByKind(kind, 0, add);
    if (!page.ok()) return page.status();
  }
  for (auto& [tail, out] : *arcs) std::sort(out.begin(), out.end());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CycleResult> FindCycle(const GraphReader& reader,
                                      const CycleRequest& request) {
  CycleResult result;
  result.revision = reader.revision();
  Arcs arcs;
  if (absl::Status s = CollectArcs(reader, request.kinds, &arcs); !s.ok()) {
    return s;
  }
  std::vector<std::string> roots;
  for (const auto& [tail, out] : arcs) roots.push_back(tail);
  std::sort(roots.begin(), roots.end());
  enum Color : uint8_t { kWhite, kGrey, kBlack };
  absl::flat_hash_map<std::string, Color> color;
  struct Frame {
    std::string node;
    size_t next_arc = 0;
    EdgeId via = 0;  // the edge that led here
  };
  for (const std::string& root : roots) {
    if (color[root] != kWhite) continue;
    std::vector<Frame> stack{{root, 0, 0}};
    color[root] = kGrey;
    while (!stack.empty()) {
      Frame& top = stack.back();
      auto out = arcs.find(top.node);
      if (out == arcs.end() || top.next_arc == out->second.size()) {
        color[top.node] = kBlack;
        stack.pop_back();
        continue;
      }
      const EdgeId edge = out->second[top.next_arc].first;
      const std::string& head = out->second[top.next_arc].second;
      ++top.next_arc;
      Color& seen = color[head];
      if (seen == kBlack) continue;
      if (seen == kWhite) {
        seen = kGrey;
        stack.push_back({head, 0, edge});
        continue;
      }
      // A grey head is on the stack: the arcs from it to here close a cycle.
      size_t at = 0;
      while (stack[at].node != head) ++at;
      result.acyclic = false;
      for (size_t i = at; i < stack.size(); ++i) {
        result.nodes.push_back(NodeOfKey(stack[i].node));
        if (i > at) result.edges.push_back(stack[i].via);
      }
      result.edges.push_back(edge);
      return result;
    }
  }
  return result;
}

}  // namespace infinitedb::graph
