// `infdb-cli edge incident|box|kind|degree|traverse|path|cycle|dangling`:
// the graph queries, each printed as one table.
#include <cstdio>
#include <map>

#include "absl/strings/str_format.h"
#include "client/cli_edge_commands.h"
#include "client/cli_edge_format.h"
#include "client/cli_flags.h"
#include "client/cli_output.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {
namespace {

absl::StatusOr<v1::NodeRef> RequiredNode(const Args& args,
                                         const std::string& flag) {
  std::optional<std::string> text = args.Flag(flag);
  if (!text) return Usage("--" + flag + " is required");
  absl::StatusOr<v1::NodeRef> node = ParseNode(*text);
  if (!node.ok()) return FlagError(flag, node.status());
  return node;
}

// `edge incident --node ...` and `edge box --space ... --min ... --max ...`.
absl::Status IncidentCommand(client::Client& client, const Args& args) {
  absl::StatusOr<v1::ReadOptions> read = ReadFlags(args);
  if (!read.ok()) return read.status();
  absl::StatusOr<v1::EdgeFilter> filter = FilterFlags(args);
  if (!filter.ok()) return filter.status();
  absl::StatusOr<uint64_t> limit = Number(args, "limit");
  if (!limit.ok()) return limit.status();
  absl::StatusOr<std::string> cursor = CursorFlag(args);
  if (!cursor.ok()) return cursor.status();
  std::vector<v1::Incidence> incidences;
  auto collect = [&](const v1::Incidence& incidence) {
    incidences.push_back(incidence);
    return true;
  };
  absl::StatusOr<client::GraphPageSummary> summary;
  if (args.words[1] == "incident") {
    absl::StatusOr<v1::NodeRef> node = RequiredNode(args, "node");
    if (!node.ok()) return node.status();
    v1::IncidentRequest request;
    *request.mutable_read() = *read;
    *request.mutable_node() = *node;
    *request.mutable_filter() = *filter;
    request.set_limit(*limit);
    request.set_cursor(*cursor);
    summary = client.Incident(request, collect);
  } else {
    std::optional<std::string> space = args.Flag("space");
    if (!space) return Usage("--space is required");
    v1::BoxIncidentRequest request;
    if (absl::Status s = BoxFlags(args, request.mutable_box()); !s.ok()) {
      return s;
    }
    *request.mutable_read() = *read;
    request.set_space(*space);
    *request.mutable_filter() = *filter;
    request.set_limit(*limit);
    request.set_cursor(*cursor);
    summary = client.BoxIncident(request, collect);
  }
  if (!summary.ok()) return summary.status();
  PrintPage(IncidenceTable(incidences), summary->next_cursor, args.output);
  return absl::OkStatus();
}

// `edge kind KIND` and `edge dangling`: a paged list of edges.
absl::Status EdgeListCommand(client::Client& client, const Args& args) {
  const bool by_kind = args.words[1] == "kind";
  std::string kind;
  if (by_kind) {
    absl::StatusOr<std::string> operand = Operand(args, 2, "KIND");
    if (!operand.ok()) return operand.status();
    kind = *operand;
  }
  absl::StatusOr<v1::ReadOptions> read = ReadFlags(args);
  if (!read.ok()) return read.status();
  absl::StatusOr<uint64_t> limit = Number(args, "limit");
  if (!limit.ok()) return limit.status();
  absl::StatusOr<std::string> cursor = CursorFlag(args);
  if (!cursor.ok()) return cursor.status();
  std::vector<v1::Edge> edges;
  auto collect = [&](const v1::Edge& edge) {
    edges.push_back(edge);
    return true;
  };
  absl::StatusOr<client::GraphPageSummary> summary;
  if (by_kind) {
    v1::EdgesByKindRequest request;
    *request.mutable_read() = *read;
    request.set_kind(kind);
    request.set_limit(*limit);
    request.set_cursor(*cursor);
    summary = client.EdgesByKind(request, collect);
  } else {
    v1::DanglingEdgesRequest request;
    *request.mutable_read() = *read;
    request.set_limit(*limit);
    request.set_cursor(*cursor);
    summary = client.DanglingEdges(request, collect);
  }
  if (!summary.ok()) return summary.status();
  PrintPage(EdgeTable(edges, false), summary->next_cursor, args.output);
  return absl::OkStatus();
}

absl::Status DegreeCommand(client::Client& client, const Args& args) {
  v1::DegreeRequest request;
  absl::StatusOr<v1::ReadOptions> read = ReadFlags(args);
  if (!read.ok()) return read.status();
  *request.mutable_read() = *read;
  absl::StatusOr<v1::NodeRef> node = RequiredNode(args, "node");
  if (!node.ok()) return node.status();
  *request.mutable_node() = *node;
  absl::StatusOr<v1::EdgeFilter> filter = FilterFlags(args);
  if (!filter.ok()) return filter.status();
  *request.mutable_filter() = *filter;
  absl::StatusOr<v1::DegreeResponse> degree = client.Degree(request);
  if (!degree.ok()) return degree.status();
  PrintTable(
      {{"node", "total", "outgoing", "incoming", "neutral", "revision"},
       {{TextCell(NodeText(*node)), U64Cell(degree->total()),
         U64Cell(degree->outgoing()), U64Cell(degree->incoming()),
         U64Cell(degree->neutral()), U64Cell(degree->header().revision())}}},
      args.output);
  return absl::OkStatus();
}

// One row per level: the nodes reached there and the edges walked to them.
absl::Status TraverseCommand(client::Client& client, const Args& args) {
  v1::TraverseRequest request;
  absl::StatusOr<v1::ReadOptions> read = ReadFlags(args);
  if (!read.ok()) return read.status();
  *request.mutable_read() = *read;
  std::vector<std::string> starts = args.FlagValues("start");
  if (starts.empty()) return Usage("--start is required (one or more)");
  for (const std::string& text : starts) {
    absl::StatusOr<v1::NodeRef> start = ParseNode(text);
    if (!start.ok()) return FlagError("start", start.status());
    *request.add_starts() = *start;
  }
  absl::StatusOr<v1::EdgeFilter> filter = FilterFlags(args);
  if (!filter.ok()) return filter.status();
  *request.mutable_filter() = *filter;
  absl::StatusOr<uint64_t> depth = Number(args, "depth", UINT32_MAX);
  if (!depth.ok()) return depth.status();
  request.set_max_depth(static_cast<uint32_t>(*depth));
  absl::StatusOr<uint64_t> max_nodes = Number(args, "max-nodes");
  if (!max_nodes.ok()) return max_nodes.status();
  request.set_max_nodes(*max_nodes);
  absl::StatusOr<bool> b_connectivity = Switch(args, "b-connectivity");
  if (!b_connectivity.ok()) return b_connectivity.status();
  request.set_b_connectivity(*b_connectivity);
  absl::StatusOr<v1::TraverseResponse> result = client.Traverse(request);
  if (!result.ok()) return result.status();
  std::map<uint32_t, std::pair<std::vector<std::string>, std::vector<uint64_t>>>
      levels;
  for (const v1::ReachedNode& node : result->nodes()) {
    levels[node.level()].first.push_back(NodeText(node.node()));
  }
  for (const v1::WalkedEdge& edge : result->edges()) {
    levels[edge.level()].second.push_back(edge.id());
  }
  Table table{{"level", "nodes", "edges"}, {}};
  for (const auto& [level, reached] : levels) {
    table.rows.push_back({NumberCell(level), ListCell(reached.first),
                          U64ListCell(reached.second)});
  }
  PrintTable(table, args.output);
  if (result->truncated()) {
    std::fprintf(stderr, "truncated: stopped at %d nodes (--max-nodes)\n",
                 result->nodes_size());
  }
  return absl::OkStatus();
}

absl::Status PathCommand(client::Client& client, const Args& args) {
  v1::ShortestPathRequest request;
  absl::StatusOr<v1::ReadOptions> read = ReadFlags(args);
  if (!read.ok()) return read.status();
  *request.mutable_read() = *read;
  absl::StatusOr<v1::NodeRef> from = RequiredNode(args, "from");
  if (!from.ok()) return from.status();
  *request.mutable_from() = *from;
  absl::StatusOr<v1::NodeRef> to = RequiredNode(args, "to");
  if (!to.ok()) return to.status();
  *request.mutable_to() = *to;
  absl::StatusOr<v1::EdgeFilter> filter = FilterFlags(args);
  if (!filter.ok()) return filter.status();
  *request.mutable_filter() = *filter;
  absl::StatusOr<bool> weighted = Switch(args, "weighted");
  if (!weighted.ok()) return weighted.status();
  request.set_weighted(*weighted);
  absl::StatusOr<uint64_t> max_depth = Number(args, "max-depth", UINT32_MAX);
  if (!max_depth.ok()) return max_depth.status();
  request.set_max_depth(static_cast<uint32_t>(*max_depth));
  absl::StatusOr<v1::ShortestPathResponse> path = client.ShortestPath(request);
  if (!path.ok()) return path.status();
  std::vector<std::string> nodes;
  for (const v1::NodeRef& node : path->nodes()) nodes.push_back(NodeText(node));
  std::vector<uint64_t> edges(path->edges().begin(), path->edges().end());
  PrintTable(
      {{"nodes", "edges", "total_weight", "revision"},
       {{ListCell(nodes), U64ListCell(edges), I64Cell(path->total_weight()),
         U64Cell(path->header().revision())}}},
      args.output);
  return absl::OkStatus();
}

absl::Status CycleCommand(client::Client& client, const Args& args) {
  v1::FindCycleRequest request;
  absl::StatusOr<v1::ReadOptions> read = ReadFlags(args);
  if (!read.ok()) return read.status();
  *request.mutable_read() = *read;
  for (const std::string& kind : args.FlagValues("kind")) {
    request.add_kinds(kind);
  }
  absl::StatusOr<v1::FindCycleResponse> cycle = client.FindCycle(request);
  if (!cycle.ok()) return cycle.status();
  std::vector<std::string> nodes;
  for (const v1::NodeRef& node : cycle->nodes()) {
    nodes.push_back(NodeText(node));
  }
  std::vector<uint64_t> edges(cycle->edges().begin(), cycle->edges().end());
  PrintTable({{"acyclic", "nodes", "edges", "revision"},
              {{BoolCell(cycle->acyclic()), ListCell(nodes), U64ListCell(edges),
                U64Cell(cycle->header().revision())}}},
             args.output);
  return absl::OkStatus();
}

}  // namespace

absl::Status EdgeQueryCommand(client::Client& client, const Args& args) {
  const std::string& verb = args.words[1];
  if (verb == "incident" || verb == "box") {
    return IncidentCommand(client, args);
  }
  if (verb == "kind" || verb == "dangling") {
    return EdgeListCommand(client, args);
  }
  if (verb == "degree") return DegreeCommand(client, args);
  if (verb == "traverse") return TraverseCommand(client, args);
  if (verb == "path") return PathCommand(client, args);
  return CycleCommand(client, args);
}

}  // namespace infinitedb::cli
