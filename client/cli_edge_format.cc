#include "client/cli_edge_format.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {
namespace {

std::vector<std::string> EndpointTexts(const v1::Edge& edge) {
  std::vector<std::string> texts;
  for (const v1::Endpoint& endpoint : edge.endpoints()) {
    texts.push_back(EndpointText(endpoint));
  }
  return texts;
}

Cell WeightCell(const v1::Edge& edge) {
  if (!edge.has_weight()) return NullCell("-");
  return I64Cell(edge.weight().value());
}

// Sorted by key (the map's order on the wire is unspecified).
Cell PropertiesCell(const v1::Edge& edge) {
  std::map<std::string, std::string> sorted(edge.properties().begin(),
                                            edge.properties().end());
  std::vector<std::string> texts, members;
  for (const auto& [key, value] : sorted) {
    texts.push_back(key + "=" + value);
    members.push_back(JsonString(key) + ":" + JsonString(value));
  }
  return JsonCell(absl::StrJoin(texts, " "),
                  "{" + absl::StrJoin(members, ",") + "}");
}

// The columns every edge row has; cells in column order.
std::vector<Cell> EdgeCells(const v1::Edge& edge) {
  return {U64Cell(edge.id()),
          TextCell(edge.kind()),
          BoolCell(edge.directed()),
          WeightCell(edge),
          ListCell(EndpointTexts(edge)),
          PropertiesCell(edge)};
}

const std::vector<std::string> kEdgeColumns = {
    "id", "kind", "directed", "weight", "endpoints", "properties"};

}  // namespace

absl::StatusOr<v1::Point> ParsePoint(const std::string& text) {
  v1::Point point;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    uint32_t value = 0;
    if (!absl::SimpleAtoi(part, &value)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("'%s' is not a list of uint32", text));
    }
    point.add_coordinates(value);
  }
  return point;
}

absl::StatusOr<v1::NodeRef> ParseNode(const std::string& text) {
  size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("'%s' is not SPACE:1,2,3", text));
  }
  absl::StatusOr<v1::Point> point = ParsePoint(text.substr(colon + 1));
  if (!point.ok()) return point.status();
  v1::NodeRef node;
  node.set_space(text.substr(0, colon));
  *node.mutable_point() = std::move(*point);
  return node;
}

absl::StatusOr<v1::Endpoint> ParseEndpoint(const std::string& text) {
  size_t first = text.find(':');
  size_t second =
      first == std::string::npos ? first : text.find(':', first + 1);
  if (second == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrFormat("'%s' is not SPACE:1,2,3:ROLE[:tail|head]", text));
  }
  absl::StatusOr<v1::NodeRef> node = ParseNode(text.substr(0, second));
  if (!node.ok()) return node.status();
  v1::Endpoint endpoint;
  endpoint.set_space(node->space());
  *endpoint.mutable_point() = node->point();
  std::string role = text.substr(second + 1);
  size_t last = role.rfind(':');
  if (last != std::string::npos) {
    absl::StatusOr<v1::Polarity> polarity =
        ParsePolarity(role.substr(last + 1));
    if (polarity.ok()) {
      endpoint.set_polarity(*polarity);
      role.resize(last);
    }
  }
  endpoint.set_role(role);
  return endpoint;
}

absl::StatusOr<v1::Polarity> ParsePolarity(const std::string& text) {
  if (text == "tail") return v1::POLARITY_TAIL;
  if (text == "head") return v1::POLARITY_HEAD;
  if (text == "neutral") return v1::POLARITY_NEUTRAL;
  return absl::InvalidArgumentError(
      absl::StrFormat("polarity '%s' is not tail, head or neutral", text));
}

absl::StatusOr<v1::Direction> ParseDirection(const std::string& text) {
  if (text == "any") return v1::DIRECTION_ANY;
  if (text == "out") return v1::DIRECTION_OUTGOING;
  if (text == "in") return v1::DIRECTION_INCOMING;
  if (text == "neutral") return v1::DIRECTION_NEUTRAL;
  return absl::InvalidArgumentError(
      absl::StrFormat("'%s' is not any, out, in or neutral", text));
}

absl::Status FlagError(const std::string& flag, const absl::Status& error) {
  return Usage(absl::StrFormat("--%s: %s", flag, error.message()));
}

std::string NodeText(const v1::NodeRef& node) {
  return node.space() + ":" + PointText(node.point());
}

std::string RoleText(const std::string& role, v1::Polarity polarity) {
  switch (polarity) {
    case v1::POLARITY_TAIL:
      return role + ":tail";
    case v1::POLARITY_HEAD:
      return role + ":head";
    default:
      // A role with a ':' keeps its ":neutral", so that it reads back whole.
      return role.find(':') == std::string::npos ? role : role + ":neutral";
  }
}

std::string EndpointText(const v1::Endpoint& endpoint) {
  return endpoint.space() + ":" + PointText(endpoint.point()) + ":" +
         RoleText(endpoint.role(), endpoint.polarity());
}

std::string EdgeSummary(const v1::Edge& edge) {
  std::string text = edge.kind();
  for (const v1::Endpoint& endpoint : edge.endpoints()) {
    text += " " + EndpointText(endpoint);
  }
  if (edge.has_weight()) {
    text += absl::StrFormat(" w=%d", edge.weight().value());
  }
  return text;
}

Cell EdgeCell(const v1::Edge& edge) {
  std::vector<Cell> cells = EdgeCells(edge);
  cells.push_back(ValueCell(edge.payload()));
  cells.push_back(U64Cell(edge.stamp().revision()));
  std::vector<std::string> columns = kEdgeColumns;
  columns.push_back("payload");
  columns.push_back("revision");
  return JsonCell(EdgeSummary(edge), RowJson(columns, cells));
}

Table EdgeTable(const std::vector<v1::Edge>& edges, bool with_deleted) {
  Table table{kEdgeColumns, {}};
  table.columns.push_back("payload");
  table.columns.push_back("revision");
  if (with_deleted) table.columns.push_back("deleted");
  for (const v1::Edge& edge : edges) {
    std::vector<Cell> row = EdgeCells(edge);
    row.push_back(ValueCell(edge.payload()));
    row.push_back(U64Cell(edge.stamp().revision()));
    if (with_deleted) row.push_back(BoolCell(edge.deleted()));
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table IncidenceTable(const std::vector<v1::Incidence>& incidences) {
  Table table{{"node", "roles"}, {}};
  table.columns.insert(table.columns.end(), kEdgeColumns.begin(),
                       kEdgeColumns.end());
  table.columns.push_back("revision");
  for (const v1::Incidence& incidence : incidences) {
    std::vector<std::string> roles;
    for (const v1::IncidentRole& role : incidence.roles()) {
      roles.push_back(RoleText(role.role(), role.polarity()));
    }
    std::vector<Cell> row = {TextCell(NodeText(incidence.node())),
                             ListCell(roles)};
    std::vector<Cell> edge = EdgeCells(incidence.edge());
    row.insert(row.end(), edge.begin(), edge.end());
    row.push_back(U64Cell(incidence.edge().stamp().revision()));
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace infinitedb::cli
