#include "engine/graph/traversal.h"

#include <algorithm>
#include <queue>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "engine/graph/node_key.h"
#include "engine/graph/steps.h"

namespace infinitedb::graph {
namespace {

uint32_t DistinctTails(const EdgeView& edge, WalkNodeKeys& keys) {
  absl::flat_hash_set<std::string> tails;
  for (const EndpointView& endpoint : edge.endpoints) {
    if (endpoint.polarity == Polarity::kTail) tails.insert(keys.Of(endpoint));
  }
  return static_cast<uint32_t>(tails.size());
}

}  // namespace

absl::StatusOr<TraverseResult> Traverse(const GraphReader& reader,
                                        const TraverseRequest& request) {
  TraverseResult result;
  result.revision = reader.revision();
  WalkNodeKeys keys;
  absl::flat_hash_set<std::string> reached;
  absl::flat_hash_set<EdgeId> walked;
  absl::flat_hash_map<EdgeId, uint32_t> tails_reached;
  // Indexes into result.nodes.
  std::vector<size_t> frontier;
  for (const NodeRef& start : request.starts) {
    if (!reached.insert(keys.Of(start)).second) continue;
    if (result.nodes.size() >= request.max_nodes) {
      result.truncated = true;
      return result;
    }
    frontier.push_back(result.nodes.size());
    result.nodes.push_back({start, 0});
  }
  for (uint32_t level = 0;
       level < request.max_depth && !frontier.empty() && !result.truncated;
       ++level) {
    std::vector<size_t> next;
    for (size_t index : frontier) {
      // A copy: the walk adds to result.nodes.
      const NodeRef node = result.nodes[index].node;
      auto wanted = [&](EdgeId id) {
        return request.b_connectivity || !walked.contains(id);
      };
      absl::Status status = ForEachStep(
          reader, node, request.filter, wanted,
          [&](EdgeId id, const EdgeView& edge,
              const std::vector<const EndpointView*>& targets) {
            if (request.b_connectivity &&
                ++tails_reached[id] < DistinctTails(edge, keys)) {
              return true;  // its other tails are not all reached yet
            }
            if (walked.insert(id).second) {
              result.edges.push_back({id, level + 1});
            }
            for (const EndpointView* target : targets) {
              if (!reached.insert(keys.Of(*target)).second) continue;
              if (result.nodes.size() >= request.max_nodes) {
                result.truncated = true;
                return false;
              }
              next.push_back(result.nodes.size());
              result.nodes.push_back(
                  {{std::string(target->space), target->ToPoint()}, level + 1});
            }
            return true;
          });
      if (!status.ok()) return status;
      if (result.truncated) break;
    }
    frontier = std::move(next);
  }
  return result;
}

}  // namespace infinitedb::graph
