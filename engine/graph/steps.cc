#include "engine/graph/steps.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace infinitedb::graph {
namespace {

// Whether a step along `edge` from `node` leads to `endpoint`.
bool LeadsTo(const EndpointView& endpoint, const NodeRef& node,
             const EdgeFilter& filter) {
  if (endpoint.Is(node.space, node.point)) return false;
  if (filter.direction == Direction::kOutgoing &&
      endpoint.polarity != Polarity::kHead) {
    return false;
  }
  if (filter.direction == Direction::kIncoming &&
      endpoint.polarity != Polarity::kTail) {
    return false;
  }
  return filter.roles.empty() ||
         std::find(filter.roles.begin(), filter.roles.end(), endpoint.role) !=
             filter.roles.end();
}

}  // namespace

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
  EdgeView edge;
  std::vector<const EndpointView*> targets;
  for (EdgeId id : ids) {
    absl::StatusOr<std::shared_ptr<const StoredEdge>> stored =
        reader.StoredEdgeOf(id);
    if (!stored.ok()) return stored.status();
    if (*stored == nullptr) continue;
    if (!DecodeEdgeView((*stored)->value, &edge)) {
      return absl::DataLossError(absl::StrFormat(
          "edge %d: its stored value (%d bytes, revision %d) does not decode",
          id, (*stored)->value.size(), (*stored)->stamp.revision));
    }
    targets.clear();
    for (const EndpointView& endpoint : edge.endpoints) {
      if (LeadsTo(endpoint, node, filter)) targets.push_back(&endpoint);
    }
    if (!visit(id, edge, targets)) break;
  }
  return absl::OkStatus();
}

}  // namespace infinitedb::graph
