#include "bench/graph_check.h"

#include <algorithm>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace infinitedb::bench {
namespace {

std::string Text(const Point3& p) {
  return absl::StrFormat("(%d,%d,%d)", p[0], p[1], p[2]);
}

// The answers' count, then their texts in sorted order.
std::string Joined(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  std::string text = absl::StrCat("n=", items.size());
  for (const std::string& item : items) absl::StrAppend(&text, " ", item);
  return text;
}

bool Touches(const WorkEdge& edge, const GraphWorkload& workload,
             const Point3& point) {
  for (int i = 0; i < edge.endpoint_count; ++i) {
    if (workload.points[edge.points[i]] == point) return true;
  }
  return false;
}

// Empty when `path` is a walk from pair.from to pair.to over the workload's
// edges with `length` edges.
std::string PathProblem(const PathAnswer& path, const PathPair& pair,
                        const GraphWorkload& workload) {
  if (path.nodes.size() != path.length + 1 ||
      path.edges.size() != path.length) {
    return absl::StrFormat("%d nodes and %d edges for length %d",
                           path.nodes.size(), path.edges.size(), path.length);
  }
  if (path.nodes.front() != pair.from || path.nodes.back() != pair.to) {
    return "it does not lead from 'from' to 'to'";
  }
  for (size_t i = 0; i < path.edges.size(); ++i) {
    uint64_t id = path.edges[i];
    if (id == 0 || id > workload.edges.size()) {
      return absl::StrFormat("step %d: unknown edge %d", i, id);
    }
    const WorkEdge& edge = workload.edges[id - 1];
    if (!Touches(edge, workload, path.nodes[i]) ||
        !Touches(edge, workload, path.nodes[i + 1])) {
      return absl::StrFormat("step %d: edge %d does not join %s and %s", i, id,
                             Text(path.nodes[i]), Text(path.nodes[i + 1]));
    }
  }
  return "";
}

}  // namespace

std::string CanonicalText(std::vector<IncidentEdge> edges) {
  std::vector<std::string> items;
  for (IncidentEdge& edge : edges) {
    std::vector<std::string> endpoints;
    for (const EndpointRow& e : edge.endpoints) {
      endpoints.push_back(absl::StrCat(Text(e.point), e.role, "/",
                                       static_cast<int>(e.polarity)));
    }
    std::sort(endpoints.begin(), endpoints.end());
    items.push_back(absl::StrFormat("[%020d %s d=%d w=%d %s: %s]", edge.id,
                                    edge.kind, edge.directed, edge.weight,
                                    edge.tag, absl::StrJoin(endpoints, " ")));
  }
  return Joined(std::move(items));
}

std::string CanonicalText(std::vector<ReachedNode> nodes) {
  std::vector<std::string> items;
  for (const ReachedNode& node : nodes) {
    items.push_back(absl::StrCat(Text(node.node), "@", node.level));
  }
  return Joined(std::move(items));
}

std::string CanonicalText(std::vector<BoxPair> pairs) {
  std::vector<std::string> items;
  for (const BoxPair& pair : pairs) {
    items.push_back(absl::StrCat(Text(pair.point), "#", pair.edge_id));
  }
  return Joined(std::move(items));
}

std::string CanonicalText(const PathAnswer& path, const PathPair& pair,
                          const GraphWorkload& workload) {
  if (!path.found) return "not found";
  if (!path.nodes.empty() || !path.edges.empty()) {
    std::string problem = PathProblem(path, pair, workload);
    if (!problem.empty()) return "invalid path: " + problem;
  }
  return absl::StrCat("found ", path.length);
}

bool WriteCheckLog(const std::string& path, const CheckLog& log) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& [key, text] : log) out << key << '\t' << text << '\n';
  return static_cast<bool>(out.flush());
}

CheckLog ReadCheckLog(const std::string& path) {
  CheckLog log;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    log[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return log;
}

std::vector<std::string> CompareCheckLogs(const CheckLog& expected,
                                          const CheckLog& got) {
  std::vector<std::string> problems;
  for (const auto& [key, want] : expected) {
    auto it = got.find(key);
    if (it == got.end()) {
      problems.push_back(key + ": no answer");
      continue;
    }
    const std::string& have = it->second;
    if (have == want) continue;
    size_t at =
        std::mismatch(want.begin(), want.end(), have.begin(), have.end())
            .first -
        want.begin();
    size_t from = at < 60 ? 0 : at - 60;
    problems.push_back(absl::StrFormat(
        "%s: expected %s ..., got %s ... (first difference at byte %d: "
        "expected '...%s', got '...%s')",
        key, want.substr(0, want.find(' ')), have.substr(0, have.find(' ')), at,
        want.substr(from, 120), have.substr(from, 120)));
  }
  return problems;
}

}  // namespace infinitedb::bench
