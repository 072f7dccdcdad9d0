#include "engine/graph/edge_validation.h"

#include "absl/strings/str_format.h"
#include "engine/public/changes.h"

namespace infinitedb::graph {
namespace {

absl::Status Invalid(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrFormat("%s: %s", field, what));
}

absl::Status CheckLabel(std::string_view field, std::string_view label,
                        const EdgeLimits& limits) {
  if (label.empty()) return Invalid(field, "required (empty)");
  if (label.size() > limits.max_label_bytes) {
    return Invalid(field, absl::StrFormat("%d bytes; at most %d", label.size(),
                                          limits.max_label_bytes));
  }
  return absl::OkStatus();
}

absl::Status CheckPoint(std::string_view field, const std::string& space,
                        const Point& point, SpaceLookup find_space) {
  std::string space_field = absl::StrFormat("%s.space", field);
  if (space.empty()) return Invalid(space_field, "required (empty)");
  if (space.starts_with(kSystemSpacePrefix)) {
    return Invalid(space_field,
                   absl::StrFormat("'%s' is a system space", space));
  }
  absl::StatusOr<SpaceInfo> info = find_space(space);
  if (!info.ok()) {
    return Invalid(space_field, absl::StrFormat("no space named '%s'", space));
  }
  if (static_cast<int>(point.size()) != info->dims) {
    return Invalid(absl::StrFormat("%s.point", field),
                   absl::StrFormat("space '%s' has %d dimensions, got %d "
                                   "coordinates",
                                   space, info->dims, point.size()));
  }
  return absl::OkStatus();
}

absl::Status CheckPolarities(const Edge& edge, std::string_view field) {
  bool tail = false, head = false;
  for (size_t i = 0; i < edge.endpoints.size(); ++i) {
    const Polarity polarity = edge.endpoints[i].polarity;
    if (!edge.directed && polarity != Polarity::kNeutral) {
      return Invalid(absl::StrFormat("%s.endpoints[%d].polarity", field, i),
                     "an undirected edge's endpoints are neutral (set "
                     "directed, or leave the polarity out)");
    }
    tail = tail || polarity == Polarity::kTail;
    head = head || polarity == Polarity::kHead;
  }
  if (edge.directed && !tail) {
    return Invalid(absl::StrFormat("%s.endpoints", field),
                   "a directed edge needs at least one tail");
  }
  if (edge.directed && !head) {
    return Invalid(absl::StrFormat("%s.endpoints", field),
                   "a directed edge needs at least one head");
  }
  return absl::OkStatus();
}

absl::Status CheckProperties(const Edge& edge, std::string_view field,
                             const EdgeLimits& limits) {
  size_t bytes = edge.payload.size();
  for (const auto& [key, value] : edge.properties) {
    if (key.empty()) {
      return Invalid(absl::StrFormat("%s.properties", field),
                     "a property key is empty");
    }
    bytes += key.size() + value.size();
  }
  if (bytes > limits.max_property_bytes) {
    return Invalid(absl::StrFormat("%s.properties", field),
                   absl::StrFormat("properties and payload take %d bytes; at "
                                   "most %d (max_edge_property_bytes)",
                                   bytes, limits.max_property_bytes));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateEdge(const Edge& edge, std::string_view field,
                          const EdgeLimits& limits, SpaceLookup find_space) {
  absl::Status status =
      CheckLabel(absl::StrFormat("%s.kind", field), edge.kind, limits);
  if (!status.ok()) return status;
  const size_t count = edge.endpoints.size();
  if (count < 2) {
    return Invalid(
        absl::StrFormat("%s.endpoints", field),
        absl::StrFormat("an edge links 2 or more endpoints, got %d", count));
  }
  if (count > limits.max_endpoints) {
    return Invalid(absl::StrFormat("%s.endpoints", field),
                   absl::StrFormat("%d endpoints; at most %d "
                                   "(max_edge_endpoints)",
                                   count, limits.max_endpoints));
  }
  for (size_t i = 0; i < count; ++i) {
    const Endpoint& endpoint = edge.endpoints[i];
    std::string at = absl::StrFormat("%s.endpoints[%d]", field, i);
    status = CheckPoint(at, endpoint.space, endpoint.point, find_space);
    if (status.ok()) {
      status =
          CheckLabel(absl::StrFormat("%s.role", at), endpoint.role, limits);
    }
    if (!status.ok()) return status;
  }
  status = CheckPolarities(edge, field);
  if (!status.ok()) return status;
  return CheckProperties(edge, field, limits);
}

absl::Status ValidateNode(const NodeRef& node, std::string_view field,
                          SpaceLookup find_space) {
  return CheckPoint(field, node.space, node.point, find_space);
}

}  // namespace infinitedb::graph
