// Prints the points benchmark's side-by-side table.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "bench/points_bench.h"

namespace infinitedb::bench {

using Results = std::map<std::string, double>;

namespace {

struct Row {
  std::string label;
  std::string key;
  bool higher_is_better;
  const char* format;
};

std::vector<Row> Rows(const PointsConfig& config) {
  std::string clients = std::to_string(config.concurrent_clients);
  std::vector<Row> rows = {
      {"ingest A, 1000/commit (records/s)", "ingest_a", true, "%.0f"},
      {"ingest B, 1/commit (commits/s)", "ingest_b", true, "%.0f"},
      {"ingest B p99 (ms)", "ingest_b_p99", false, "%.2f"},
      {"ingest C, " + clients + " clients (commits/s)", "ingest_c", true,
       "%.0f"},
      {"ingest C p99 (ms)", "ingest_c_p99", false, "%.2f"},
  };
  for (const char* c : {"0.01%", "0.1%", "1%"}) {
    std::string q = std::string("q") + c;
    rows.push_back(
        {std::string(c) + " box, warm: mean (ms)", q + "_mean", false, "%.3f"});
    rows.push_back(
        {std::string(c) + " box, warm: p99 (ms)", q + "_p99", false, "%.3f"});
    rows.push_back({std::string(c) + " box, warm: results/s",
                    q + "_results_per_s", true, "%.0f"});
    rows.push_back({std::string(c) + " box, cold: mean (ms)", q + "_cold_mean",
                    false, "%.3f"});
  }
  rows.push_back({"bytes on disk after ingest (MB)", "disk_mb", false, "%.1f"});
  rows.push_back({"peak RSS (MB)", "peak_rss_mb", false, "%.0f"});
  return rows;
}

// With infinitedb-grpc and its -tls / -auth / -tls-auth variants in the
// run: what each variant costs against plain gRPC (time ratios: variant /
// plain; rate ratios: plain / variant; 1.05 = 5% slower).
void PrintGrpcVariantCosts(const PointsConfig& config,
                           const std::map<std::string, Results>& by_system) {
  auto plain = by_system.find("infinitedb-grpc");
  if (plain == by_system.end()) return;
  std::vector<std::string> variants;
  for (const auto& [name, unused] : by_system) {
    if (name.rfind("infinitedb-grpc-", 0) == 0) variants.push_back(name);
  }
  if (variants.empty()) return;
  std::printf("\ncost against infinitedb-grpc (> 1: slower by that factor)\n");
  std::printf("| %-36s |", "metric");
  for (const std::string& name : variants) std::printf(" %24s |", name.c_str());
  std::printf("\n");
  for (const Row& row : Rows(config)) {
    if (row.key == "disk_mb" || row.key == "peak_rss_mb") continue;
    auto base = plain->second.find(row.key);
    if (base == plain->second.end() || base->second <= 0) continue;
    std::printf("| %-36s |", row.label.c_str());
    for (const std::string& name : variants) {
      const Results& results = by_system.at(name);
      auto it = results.find(row.key);
      const double value = it == results.end() ? 0 : it->second;
      if (value <= 0) {
        std::printf(" %24s |", "");
        continue;
      }
      std::printf(" %23.3fx |", row.higher_is_better ? base->second / value
                                                     : value / base->second);
    }
    std::printf("\n");
  }
}

}  // namespace

void PrintTable(int dims, const PointsConfig& config,
                const std::map<std::string, Results>& by_system) {
  std::printf(
      "\npoints-1m, dims=%d, %zu records (+%zu single commits); query "
      "figures are medians of %d passes after a warm-up; ingest C: %d "
      "clients committing single records for %.0f s, after the queries.\n"
      "ratio = infinitedb (embedded) vs the best peer (> 1: infinitedb is "
      "better; for times, peer time / infinitedb time); infinitedb-grpc is "
      "the same engine behind infdb-server on loopback\n\n",
      dims, config.records, config.single_commits, config.query_passes,
      config.concurrent_clients, config.concurrent_seconds);
  std::printf("| %-36s |", "metric");
  for (const auto& [name, unused] : by_system)
    std::printf(" %15s |", name.c_str());
  std::printf(" %8s |\n|%s|", "ratio", std::string(38, '-').c_str());
  for (size_t i = 0; i < by_system.size(); ++i)
    std::printf("%s|", std::string(17, '-').c_str());
  std::printf("%s|\n", std::string(10, '-').c_str());
  for (const Row& row : Rows(config)) {
    std::printf("| %-36s |", row.label.c_str());
    double ours = 0, best_peer = -1;
    for (const auto& [name, results] : by_system) {
      auto it = results.find(row.key);
      double value = it == results.end() ? 0 : it->second;
      char cell[64];
      std::snprintf(cell, sizeof(cell), row.format, value);
      std::printf(" %15s |", cell);
      bool is_peer = name.rfind("infinitedb", 0) != 0;  // not ours (-grpc)
      if (name == "infinitedb") {
        ours = value;
      } else if (is_peer && (best_peer < 0 ||
                             (row.higher_is_better ? value > best_peer
                                                   : value < best_peer))) {
        best_peer = value;
      }
    }
    if (best_peer <= 0 || ours <= 0) {
      std::printf(" %8s |\n", "");  // no peer in the run: no ratio
      continue;
    }
    const double ratio =
        row.higher_is_better ? ours / best_peer : best_peer / ours;
    std::printf(" %7.2fx |\n", ratio);
  }
  std::printf("| %-36s |", "mismatches in verified boxes");
  for (const auto& [name, results] : by_system) {
    double total = 0;
    for (const char* c : {"0.01%", "0.1%", "1%"}) {
      auto it = results.find(std::string("q") + c + "_mismatches");
      total += it == results.end() ? 0 : it->second;
    }
    std::printf(" %15.0f |", total);
  }
  std::printf(" %8s |\n", "");
  for (const auto& [name, results] : by_system) {
    auto it = results.find("ingest_c_serialized");
    if (it != results.end() && it->second != 0) {
      std::printf(
          "\n%s: ingest C commits take turns through a mutex (the store "
          "cannot commit from several threads at once; see its file).\n",
          name.c_str());
    }
  }
  PrintGrpcVariantCosts(config, by_system);
}

}  // namespace infinitedb::bench
