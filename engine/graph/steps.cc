#include "engine/graph/steps.h"

#include <algorithm>

namespace infinitedb::graph {

absl::Status ForEachStep(const GraphReader& reader, const NodeRef& node,
                         const EdgeFilter& filter, EdgeWanted wanted,
                         StepVisitor visit) {
  EdgeFilter at_node = filter;
  at_node.roles.clear();  // roles choose the endpoints walked to
  std::vector<EdgeId> ids;
  absl::Status status =
      reader.ScanNode(node, [&](EdgeId id, const IncidenceEntry& entry) {
        if (PassesAtNode(at_node, entry) && wanted(id)) ids.push_back(id);
        return true;
      });
  if (!status.ok()) return status;
  std::vector<const Endpoint*> targets;
  for (EdgeId id : ids) {
    absl::StatusOr<std::shared_ptr<const Edge>> edge = reader.SharedEdge(id);
    if (!edge.ok()) return edge.status();
    if (*edge == nullptr) continue;
    targets.clear();
    for (const Endpoint& endpoint : (*edge)->endpoints) {
      if (endpoint.space == node.space && endpoint.point == node.point) {
        continue;
      }
      if (filter.direction == Direction::kOutgoing &&
          endpoint.polarity != Polarity::kHead) {
        continue;
      }
      if (filter.direction == Direction::kIncoming &&
          endpoint.polarity != Polarity::kTail) {
        continue;
      }
      if (!filter.roles.empty() &&
          std::find(filter.roles.begin(), filter.roles.end(), endpoint.role) ==
              filter.roles.end()) {
        continue;
      }
      targets.push_back(&endpoint);
    }
    if (!visit(**edge, targets)) break;
  }
  return absl::OkStatus();
}

}  // namespace infinitedb::graph
