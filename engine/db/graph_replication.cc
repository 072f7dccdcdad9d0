#include "engine/db/graph_replication.h"

#include <map>

#include "absl/strings/str_format.h"
#include "engine/graph/edge_codec.h"
#include "engine/graph/edge_entries.h"
#include "engine/graph/graph_spaces.h"

namespace infinitedb {
namespace {

absl::StatusOr<Edge> EdgeOf(const ChangeOp& op) {
  return graph::DecodeEdge(op.value, graph::IdOfAxes(op.point[0], op.point[1]),
                           CommitStamp{0, op.hlc, op.origin});
}

}  // namespace

absl::Status GraphReplication::Check(const ChangeOp& op,
                                     std::string_view field) const {
  if (op.point.size() != graph::kEdgesDims) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.point: an edge's address has 2 coordinates, got %d",
                        field, op.point.size()));
  }
  if (op.deleted) return absl::OkStatus();
  absl::StatusOr<Edge> edge = EdgeOf(op);
  if (!edge.ok() || edge->endpoints.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.value: not an encoded edge", field));
  }
  const Catalog& catalog = versions_->catalog();
  for (size_t i = 0; i < edge->endpoints.size(); ++i) {
    const Endpoint& endpoint = edge->endpoints[i];
    absl::StatusOr<manifest::SpaceEntry> space =
        catalog.FindSpace(endpoint.space);
    if (!space.ok()) {
      absl::Status valid = catalog.CheckName(
          absl::StrFormat("%s.value.endpoints[%d].space", field, i),
          endpoint.space);
      if (!valid.ok()) return valid;
      if (endpoint.space.starts_with(kSystemSpacePrefix)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s.value.endpoints[%d].space: '%s' is a system space", field, i,
            endpoint.space));
      }
      continue;  // created by CreateSpaces
    }
    if (space->dims != static_cast<int>(endpoint.point.size())) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s.value.endpoints[%d].point: space '%s' has %d dimensions here, "
          "the edge's point has %d",
          field, i, endpoint.space, space->dims, endpoint.point.size()));
    }
  }
  return absl::OkStatus();
}

absl::Status GraphReplication::CreateSpaces(const ChangeOp& op) {
  if (absl::Status s = graph::EnsureGraphSpaces(*store_); !s.ok()) return s;
  if (observe_id_) {
    absl::Status observed =
        observe_id_(graph::IdOfAxes(op.point[0], op.point[1]));
    if (!observed.ok()) return observed;
  }
  if (op.deleted) return absl::OkStatus();
  absl::StatusOr<Edge> edge = EdgeOf(op);
  if (!edge.ok()) return edge.status();
  Catalog& catalog = versions_->catalog();
  for (const Endpoint& endpoint : edge->endpoints) {
    const int dims = static_cast<int>(endpoint.point.size());
    if (!catalog.FindSpace(endpoint.space).ok()) {
      absl::StatusOr<SpaceInfo> created = catalog.CreateSpace(
          endpoint.space, dims, versions_->visible_revision());
      if (!created.ok() && !absl::IsAlreadyExists(created.status())) {
        return created.status();
      }
    }
    absl::StatusOr<SpaceInfo> index =
        store_->EnsureSystemSpace(graph::IncidenceSpace(endpoint.space),
                                  dims + graph::kIdAxes, graph::kIdAxes);
    if (!index.ok()) return index.status();
  }
  return absl::OkStatus();
}

absl::Status GraphReplication::Derive(
    const ChangeOp& op, const std::optional<Record>& replaced,
    std::vector<replication::DerivedOp>* out) const {
  // One write per address: an entry of both versions is put, not deleted.
  std::map<std::pair<std::string, Point>, replication::DerivedOp> writes;
  if (replaced && !replaced->deleted) {
    absl::StatusOr<Edge> old = graph::DecodeEdge(
        replaced->value, graph::IdOfAxes(op.point[0], op.point[1]),
        replaced->stamp);
    if (!old.ok()) return old.status();
    for (graph::EntryWrite& entry : graph::EntriesOf(*old)) {
      const std::string space = graph::EntrySpace(entry);
      writes[{space, entry.point}] = {space, entry.point, true, ""};
    }
  }
  if (!op.deleted) {
    absl::StatusOr<Edge> edge = EdgeOf(op);
    if (!edge.ok()) return edge.status();
    for (graph::EntryWrite& entry : graph::EntriesOf(*edge)) {
      const std::string space = graph::EntrySpace(entry);
      writes[{space, entry.point}] = {space, entry.point, false,
                                      std::move(entry.value)};
    }
  }
  for (auto& [address, write] : writes) out->push_back(std::move(write));
  return absl::OkStatus();
}

}  // namespace infinitedb
