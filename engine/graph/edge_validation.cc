#include "engine/graph/edge_validation.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/public/changes.h"

namespace infinitedb::graph {
namespace {

// Names the field in an error; called only when there is one, so that a
// valid edge costs no string formatting.
using FieldName = absl::FunctionRef<std::string()>;

absl::Status Invalid(FieldName field, std::string_view suffix,
                     std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s%s: %s", field(), suffix, what));
}

absl::Status CheckLabel(FieldName field, std::string_view suffix,
                        std::string_view label, const EdgeLimits& limits) {
  if (label.empty()) return Invalid(field, suffix, "required (empty)");
  if (label.size() > limits.max_label_bytes) {
    return Invalid(field, suffix,
                   absl::StrFormat("%d bytes; at most %d", label.size(),
                                   limits.max_label_bytes));
  }
  return absl::OkStatus();
}

absl::Status CheckPoint(FieldName field, const std::string& space,
                        const Point& point, SpaceLookup find_space) {
  if (space.empty()) return Invalid(field, ".space", "required (empty)");
  if (space.starts_with(kSystemSpacePrefix)) {
    return Invalid(field, ".space",
                   absl::StrFormat("'%s' is a system space", space));
  }
  absl::StatusOr<SpaceInfo> info = find_space(space);
  if (!info.ok()) {
    return Invalid(field, ".space",
                   absl::StrFormat("no space named '%s'", space));
  }
  if (static_cast<int>(point.size()) != info->dims) {
    return Invalid(field, ".point",
                   absl::StrFormat("space '%s' has %d dimensions, got %d "
                                   "coordinates",
                                   space, info->dims, point.size()));
  }
  return absl::OkStatus();
}

absl::Status CheckPolarities(const Edge& edge, FieldName field) {
  bool tail = false, head = false;
  for (size_t i = 0; i < edge.endpoints.size(); ++i) {
    const Polarity polarity = edge.endpoints[i].polarity;
    if (!edge.directed && polarity != Polarity::kNeutral) {
      return Invalid(field, absl::StrFormat(".endpoints[%d].polarity", i),
                     "an undirected edge's endpoints are neutral (set "
                     "directed, or leave the polarity out)");
    }
    tail = tail || polarity == Polarity::kTail;
    head = head || polarity == Polarity::kHead;
  }
  if (edge.directed && !tail) {
    return Invalid(field, ".endpoints",
                   "a directed edge needs at least one tail");
  }
  if (edge.directed && !head) {
    return Invalid(field, ".endpoints",
                   "a directed edge needs at least one head");
  }
  return absl::OkStatus();
}

absl::Status CheckProperties(const Edge& edge, FieldName field,
                             const EdgeLimits& limits) {
  size_t bytes = edge.payload.size();
  for (const auto& [key, value] : edge.properties) {
    if (key.empty()) {
      return Invalid(field, ".properties", "a property key is empty");
    }
    bytes += key.size() + value.size();
  }
  if (bytes > limits.max_property_bytes) {
    return Invalid(field, ".properties",
                   absl::StrFormat("properties and payload take %d bytes; at "
                                   "most %d (max_edge_property_bytes)",
                                   bytes, limits.max_property_bytes));
  }
  return absl::OkStatus();
}

absl::Status CheckEndpoints(const Edge& edge, FieldName field,
                            const EdgeLimits& limits, SpaceLookup find_space) {
  const size_t count = edge.endpoints.size();
  if (count < 2) {
    return Invalid(
        field, ".endpoints",
        absl::StrFormat("an edge links 2 or more endpoints, got %d", count));
  }
  if (count > limits.max_endpoints) {
    return Invalid(field, ".endpoints",
                   absl::StrFormat("%d endpoints; at most %d "
                                   "(max_edge_endpoints)",
                                   count, limits.max_endpoints));
  }
  for (size_t i = 0; i < count; ++i) {
    const Endpoint& endpoint = edge.endpoints[i];
    auto at = [&] { return absl::StrFormat("%s.endpoints[%d]", field(), i); };
    absl::Status status =
        CheckPoint(at, endpoint.space, endpoint.point, find_space);
    if (status.ok()) status = CheckLabel(at, ".role", endpoint.role, limits);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateEdge(const Edge& edge, std::string_view field,
                          const EdgeLimits& limits, SpaceLookup find_space) {
  auto name = [&] { return std::string(field); };
  absl::Status status = CheckLabel(name, ".kind", edge.kind, limits);
  if (status.ok()) status = CheckEndpoints(edge, name, limits, find_space);
  if (status.ok()) status = CheckPolarities(edge, name);
  if (status.ok()) status = CheckProperties(edge, name, limits);
  return status;
}

absl::Status ValidateNode(const NodeRef& node, std::string_view field,
                          SpaceLookup find_space) {
  return CheckPoint([&] { return std::string(field); }, node.space, node.point,
                    find_space);
}

}  // namespace infinitedb::graph
