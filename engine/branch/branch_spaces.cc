#include "engine/branch/branch_spaces.h"

#include "engine/graph/edge_codec.h"
#include "engine/graph/graph_spaces.h"

namespace infinitedb::branch {

std::vector<std::string> ComparedSpaces(const Catalog& catalog) {
  std::vector<std::string> names;
  for (const SpaceInfo& space : catalog.ListSpaces()) {
    names.push_back(space.name);
  }
  if (catalog.FindSpace(kGraphEdgesSpace).ok()) {
    names.push_back(kGraphEdgesSpace);
  }
  return names;
}

bool IsEdgeSpace(std::string_view space) { return space == kGraphEdgesSpace; }

EdgeId EdgeIdOf(const Point& point) {
  return point.size() == 2 ? graph::IdOfAxes(point[0], point[1]) : 0;
}

std::optional<Record> RecordOf(const SideVersion& side, const Point& point) {
  if (!side.live) return std::nullopt;
  Record record;
  record.point = point;
  record.value = side.value;
  record.stamp = side.stamp;
  return record;
}

absl::StatusOr<std::optional<Edge>> EdgeOf(const SideVersion& side, EdgeId id) {
  if (!side.live) return std::nullopt;
  absl::StatusOr<Edge> edge = graph::DecodeEdge(side.value, id, side.stamp);
  if (!edge.ok()) return edge.status();
  return std::optional<Edge>(std::move(*edge));
}

}  // namespace infinitedb::branch
