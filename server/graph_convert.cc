#include "server/graph_convert.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "server/proto_convert.h"

namespace infinitedb::server {
namespace {

absl::StatusOr<Polarity> PolarityFrom(v1::Polarity polarity,
                                      std::string_view field) {
  switch (polarity) {
    case v1::POLARITY_NEUTRAL:
      return Polarity::kNeutral;
    case v1::POLARITY_TAIL:
      return Polarity::kTail;
    case v1::POLARITY_HEAD:
      return Polarity::kHead;
    default:
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: unknown polarity %d", field, static_cast<int>(polarity)));
  }
}

v1::Polarity ToProto(Polarity polarity) {
  switch (polarity) {
    case Polarity::kTail:
      return v1::POLARITY_TAIL;
    case Polarity::kHead:
      return v1::POLARITY_HEAD;
    case Polarity::kNeutral:
      break;
  }
  return v1::POLARITY_NEUTRAL;
}

absl::StatusOr<Direction> DirectionFrom(v1::Direction direction,
                                        std::string_view field) {
  switch (direction) {
    case v1::DIRECTION_ANY:
      return Direction::kAny;
    case v1::DIRECTION_OUTGOING:
      return Direction::kOutgoing;
    case v1::DIRECTION_INCOMING:
      return Direction::kIncoming;
    case v1::DIRECTION_NEUTRAL:
      return Direction::kNeutral;
    default:
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: unknown direction %d", field, static_cast<int>(direction)));
  }
}

absl::StatusOr<Endpoint> EndpointFrom(const v1::Endpoint& endpoint,
                                      std::string_view field) {
  if (absl::Status s =
          CheckRequired(endpoint.space(), std::string(field) + ".space");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Point> point = PointFrom(
      endpoint.point(), endpoint.has_point(), std::string(field) + ".point");
  if (!point.ok()) return point.status();
  if (absl::Status s =
          CheckRequired(endpoint.role(), std::string(field) + ".role");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Polarity> polarity =
      PolarityFrom(endpoint.polarity(), std::string(field) + ".polarity");
  if (!polarity.ok()) return polarity.status();
  return Endpoint{endpoint.space(), std::move(*point), endpoint.role(),
                  *polarity};
}

}  // namespace

absl::StatusOr<NodeRef> NodeRefFrom(const v1::NodeRef& node, bool present,
                                    std::string_view field) {
  if (!present) {
    return absl::InvalidArgumentError(std::string(field) + ": required");
  }
  if (absl::Status s =
          CheckRequired(node.space(), std::string(field) + ".space");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Point> point =
      PointFrom(node.point(), node.has_point(), std::string(field) + ".point");
  if (!point.ok()) return point.status();
  return NodeRef{node.space(), std::move(*point)};
}

absl::StatusOr<Edge> EdgeFrom(const v1::Edge& edge, std::string_view field) {
  if (absl::Status s = CheckRequired(edge.kind(), std::string(field) + ".kind");
      !s.ok()) {
    return s;
  }
  Edge out;
  out.id = edge.id();
  out.kind = edge.kind();
  out.directed = edge.directed();
  out.endpoints.reserve(edge.endpoints_size());
  for (int i = 0; i < edge.endpoints_size(); ++i) {
    absl::StatusOr<Endpoint> endpoint = EndpointFrom(
        edge.endpoints(i), absl::StrFormat("%s.endpoints[%d]", field, i));
    if (!endpoint.ok()) return endpoint.status();
    out.endpoints.push_back(std::move(*endpoint));
  }
  if (edge.has_weight()) out.weight = edge.weight().value();
  out.properties.insert(edge.properties().begin(), edge.properties().end());
  out.payload = edge.payload();
  return out;
}

absl::StatusOr<EdgeMutation> EdgeMutationFrom(const v1::EdgeMutation& mutation,
                                              std::string_view field) {
  EdgeMutation out;
  switch (mutation.kind_case()) {
    case v1::EdgeMutation::kPut: {
      absl::StatusOr<Edge> edge =
          EdgeFrom(mutation.put(), std::string(field) + ".put");
      if (!edge.ok()) return edge.status();
      out = EdgeMutation::Put(std::move(*edge));
      break;
    }
    case v1::EdgeMutation::kDeleteId:
      if (mutation.delete_id() == 0) {
        return absl::InvalidArgumentError(std::string(field) +
                                          ".delete_id: required (non-zero)");
      }
      out = EdgeMutation::Delete(mutation.delete_id());
      break;
    default:
      return absl::InvalidArgumentError(std::string(field) +
                                        ": set put or delete_id");
  }
  if (mutation.has_if_revision()) {
    out.if_revision = mutation.if_revision().revision();
  }
  return out;
}

absl::StatusOr<EdgeFilter> EdgeFilterFrom(const v1::EdgeFilter& filter,
                                          std::string_view field) {
  absl::StatusOr<Direction> direction =
      DirectionFrom(filter.direction(), std::string(field) + ".direction");
  if (!direction.ok()) return direction.status();
  EdgeFilter out;
  out.direction = *direction;
  out.kinds.assign(filter.kinds().begin(), filter.kinds().end());
  out.roles.assign(filter.roles().begin(), filter.roles().end());
  return out;
}

GraphRead GraphReadFrom(const v1::ReadOptions& read, uint64_t limit,
                        const std::string& cursor, Engine& engine) {
  GraphRead out;
  out.branch = BranchOrMain(read.branch());
  out.as_of = read.as_of();
  out.limit = limit;
  out.cursor = cursor;
  if (out.cursor.empty() && out.as_of == 0) {
    out.as_of = engine.CurrentRevision();
  }
  return out;
}

void ToProto(const NodeRef& node, v1::NodeRef* out) {
  out->set_space(node.space);
  ToProto(node.point, out->mutable_point());
}

void ToProto(const Edge& edge, v1::Edge* out) {
  out->set_id(edge.id);
  out->set_kind(edge.kind);
  out->set_directed(edge.directed);
  for (const Endpoint& endpoint : edge.endpoints) {
    v1::Endpoint* e = out->add_endpoints();
    e->set_space(endpoint.space);
    ToProto(endpoint.point, e->mutable_point());
    e->set_role(endpoint.role);
    e->set_polarity(ToProto(endpoint.polarity));
  }
  if (edge.weight) out->mutable_weight()->set_value(*edge.weight);
  out->mutable_properties()->insert(edge.properties.begin(),
                                    edge.properties.end());
  out->set_payload(edge.payload);
  ToProto(edge.stamp, out->mutable_stamp());
  out->set_deleted(edge.deleted);
}

void ToProto(const Incidence& incidence, v1::Incidence* out) {
  ToProto(incidence.node, out->mutable_node());
  for (const auto& [role, polarity] : incidence.roles) {
    v1::IncidentRole* r = out->add_roles();
    r->set_role(role);
    r->set_polarity(ToProto(polarity));
  }
  ToProto(incidence.edge, out->mutable_edge());
}

int64_t EdgeIndexOf(const absl::Status& status) {
  const std::string_view message(status.message().data(),
                                 status.message().size());
  constexpr std::string_view kPrefix = "edges[";
  if (!message.starts_with(kPrefix)) return -1;
  size_t close = message.find(']', kPrefix.size());
  if (close == std::string_view::npos) return -1;
  int64_t index = 0;
  if (!absl::SimpleAtoi(absl::string_view(message.data() + kPrefix.size(),
                                          close - kPrefix.size()),
                        &index)) {
    return -1;
  }
  return index;
}

absl::Status RenameField(const absl::Status& status, std::string_view from,
                         std::string_view to) {
  const std::string_view message(status.message().data(),
                                 status.message().size());
  if (!message.starts_with(from)) return status;
  // Only a whole path element: "edges[0]" must not match "edges[00]".
  std::string_view rest = message.substr(from.size());
  if (!rest.empty() && rest[0] != '.' && rest[0] != ':') return status;
  return absl::Status(status.code(), std::string(to) + std::string(rest));
}

}  // namespace infinitedb::server
