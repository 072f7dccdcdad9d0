// Prints the graph benchmark's side-by-side table (graph_run.h keys).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench/graph_run.h"

namespace infinitedb::bench {
namespace {

enum class Better { kHigher, kLower, kNone };  // kNone: no ratio

struct Row {
  std::string label;
  std::string key;
  Better better;
  const char* format;
};

std::vector<Row> Rows(const GraphConfig& config) {
  std::vector<Row> rows = {
      {"ingest, 1000 edges/commit (edges/s)", "ingest_edges_per_s",
       Better::kHigher, "%.0f"},
      {"points load, 1000/commit (records/s)", "points_per_s", Better::kHigher,
       "%.0f"},
  };
  for (const GraphQueryClass& c : kGraphQueryClasses) {
    std::string key = c.key;
    rows.push_back({std::string(c.label) + ": median (ms)", key + "_median_ms",
                    Better::kLower, "%.3f"});
    rows.push_back({std::string(c.label) + ": p99 (ms)", key + "_p99_ms",
                    Better::kLower, "%.3f"});
    rows.push_back({std::string(c.label) + (c.kind == GraphQueryKind::kPath
                                                ? ": share found"
                                                : ": mean answers"),
                    key + "_answers", Better::kNone, "%.2f"});
  }
  rows.push_back({"incident, cold: median (ms)", "incident_cold_median_ms",
                  Better::kNone, "%.3f"});
  rows.push_back({"incident, cold: p99 (ms)", "incident_cold_p99_ms",
                  Better::kNone, "%.3f"});
  rows.push_back(
      {"bytes on disk after ingest (MB)", "disk_mb", Better::kLower, "%.1f"});
  rows.push_back(
      {"peak RSS, client process (MB)", "peak_rss_mb", Better::kNone, "%.0f"});
  rows.push_back({"peak RSS, server backend (MB)", "server_rss_mb",
                  Better::kNone, "%.0f"});
  rows.push_back({"engine block cache after warm (MB)", "engine_cache_mb",
                  Better::kNone, "%.0f"});
  rows.push_back({"engine block cache after warm (blocks)",
                  "engine_cache_blocks", Better::kNone, "%.0f"});
  rows.push_back({"engine graph cache after warm (MB)", "engine_graph_cache_mb",
                  Better::kNone, "%.0f"});
  rows.push_back({"engine graph cache hits, whole run (%)",
                  "engine_graph_cache_hit_pct", Better::kNone, "%.1f"});
  rows.push_back(
      {"engine segment blocks", "engine_blocks", Better::kNone, "%.0f"});
  rows.push_back(
      {"mismatches in verified answers", "mismatches", Better::kNone, "%.0f"});
  return rows;
}

void PrintRow(const Row& row,
              const std::map<std::string, GraphResults>& by_system) {
  std::printf("| %-40s |", row.label.c_str());
  double ours = -1, best_peer = -1;
  for (const auto& [name, results] : by_system) {
    auto it = results.find(row.key);
    if (it == results.end()) {
      std::printf(" %12s |", "-");
      continue;
    }
    std::printf(" %12s |", absl::StrFormat(row.format, it->second).c_str());
    double value = it->second;
    if (name == "infinitedb") {
      ours = value;
    } else if (name.starts_with("infinitedb")) {
      continue;  // a variant of ours (infinitedb-nocache), not a peer
    } else if (best_peer < 0 ||
               (row.better == Better::kHigher ? value > best_peer
                                              : value < best_peer)) {
      best_peer = value;
    }
  }
  if (row.better == Better::kNone || ours <= 0 || best_peer <= 0) {
    std::printf(" %8s |\n", "");
    return;
  }
  double ratio =
      row.better == Better::kHigher ? ours / best_peer : best_peer / ours;
  std::printf(" %7.2fx |\n", ratio);
}

}  // namespace

void PrintGraphTable(const GraphConfig& config,
                     const std::map<std::string, GraphResults>& by_system) {
  const bool walk = config.queries.path_ends == PathEnds::kWalk;
  std::printf(
      "\ngraph-1m: %zu points (3-D), %zu hyperedges of 2-4 endpoints; %zu "
      "incident lookups, %zu traversals of each depth, %zu boxes of each "
      "size, %zu shortest paths (at most %u edges) between %s; warm figures "
      "are the median and p99 of one timed pass after a warm-up pass; the "
      "first %zu answers of each class are checked against the reference.\n"
      "ratio = infinitedb vs the best peer (> 1: infinitedb is better; for "
      "times, peer time / infinitedb time)\n\n",
      config.points, config.edges, config.queries.incident,
      config.queries.traversals, config.queries.boxes, config.queries.paths,
      config.path_depth_max,
      walk ? absl::StrFormat("a random point and the end of a random walk of "
                             "1-%d edges from it",
                             kPathWalkStepsMax)
                 .c_str()
           : "random points",
      config.verified_queries);
  std::printf("| %-40s |", "metric");
  for (const auto& [name, unused] : by_system) {
    std::printf(" %12s |", name.c_str());
  }
  std::printf(" %8s |\n|%s|", "ratio", std::string(42, '-').c_str());
  for (size_t i = 0; i < by_system.size(); ++i) {
    std::printf("%s|", std::string(14, '-').c_str());
  }
  std::printf("%s|\n", std::string(10, '-').c_str());
  for (const Row& row : Rows(config)) PrintRow(row, by_system);
  auto engine = by_system.find("infinitedb");
  if (engine != by_system.end()) {
    auto dropped = engine->second.find("cold_cache_dropped");
    bool yes = dropped != engine->second.end() && dropped->second != 0;
    std::printf("\ncold: infinitedb reopened%s before the incident lookups.\n",
                yes ? " with the OS page cache dropped"
                    : " (the OS page cache could not be dropped: not root)");
  }
}

}  // namespace infinitedb::bench
