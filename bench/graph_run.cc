#include "bench/graph_run.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "bench/workload.h"

namespace infinitedb::bench {
namespace {

struct Answer {
  double ms = 0;
  size_t count = 0;       // answers (nodes, edges, pairs; 1 for a path found)
  std::string canonical;  // only when asked for
};

template <typename T>
size_t Count(const std::vector<T>& answers) {
  return answers.size();
}
size_t Count(const PathAnswer& path) { return path.found ? 1 : 0; }

// Times `call` alone; the canonical text is made after the clock stops.
template <typename Call, typename Canonical>
absl::StatusOr<Answer> Timed(Call call, Canonical canonical, bool want_text) {
  Clock::time_point start = Clock::now();
  auto result = call();
  Answer answer;
  answer.ms = MillisecondsSince(start);
  if (!result.ok()) return result.status();
  answer.count = Count(*result);
  if (want_text) answer.canonical = canonical(*result);
  return answer;
}

size_t QueryCount(GraphQueryKind kind, const GraphQueries& q) {
  switch (kind) {
    case GraphQueryKind::kIncident:
      return q.incident_nodes.size();
    case GraphQueryKind::kTwoHop:
      return q.starts_2hop.size();
    case GraphQueryKind::kThreeHop:
      return q.starts_3hop.size();
    case GraphQueryKind::kBoxSmall:
      return q.boxes_small.size();
    case GraphQueryKind::kBoxLarge:
      return q.boxes_large.size();
    case GraphQueryKind::kPath:
      return q.path_pairs.size();
  }
  return 0;
}

absl::StatusOr<Answer> Ask(GraphStore& store, GraphQueryKind kind, size_t i,
                           const GraphRunInputs& in, bool want_text) {
  const GraphQueries& q = in.queries;
  auto text = [](auto answers) { return CanonicalText(std::move(answers)); };
  switch (kind) {
    case GraphQueryKind::kIncident:
      return Timed([&] { return store.Incident(q.incident_nodes[i]); }, text,
                   want_text);
    case GraphQueryKind::kTwoHop:
      return Timed([&] { return store.Traverse(q.starts_2hop[i], 2); }, text,
                   want_text);
    case GraphQueryKind::kThreeHop:
      return Timed([&] { return store.Traverse(q.starts_3hop[i], 3); }, text,
                   want_text);
    case GraphQueryKind::kBoxSmall:
      return Timed([&] { return store.BoxIncident(q.boxes_small[i]); }, text,
                   want_text);
    case GraphQueryKind::kBoxLarge:
      return Timed([&] { return store.BoxIncident(q.boxes_large[i]); }, text,
                   want_text);
    case GraphQueryKind::kPath: {
      const PathPair& pair = q.path_pairs[i];
      return Timed(
          [&] {
            return store.ShortestPath(pair.from, pair.to,
                                      in.config.path_depth_max);
          },
          [&](const PathAnswer& path) {
            return CanonicalText(path, pair, in.workload);
          },
          want_text);
    }
  }
  return absl::InternalError("unknown query class");
}

std::string CheckKey(const GraphQueryClass& c, size_t i) {
  return absl::StrCat(c.key, " #", i);
}

// One pass over a class: latencies, answers; the first verified_queries
// answers' texts go to `verified` when it is not null.
absl::StatusOr<std::vector<double>> Pass(GraphStore& store,
                                         const GraphQueryClass& c,
                                         const GraphRunInputs& in,
                                         CheckLog* verified, size_t* answers) {
  std::vector<double> latencies;
  *answers = 0;
  for (size_t i = 0; i < QueryCount(c.kind, in.queries); ++i) {
    bool want_text = verified != nullptr && i < in.config.verified_queries;
    absl::StatusOr<Answer> answer = Ask(store, c.kind, i, in, want_text);
    if (!answer.ok()) {
      return absl::Status(
          answer.status().code(),
          absl::StrCat(CheckKey(c, i), ": ", answer.status().message()));
    }
    latencies.push_back(answer->ms);
    *answers += answer->count;
    if (want_text) (*verified)[CheckKey(c, i)] = std::move(answer->canonical);
  }
  return latencies;
}

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

// Best effort (root only): whether the page cache was dropped.
bool DropOsCaches() {
  sync();
  std::ofstream drop("/proc/sys/vm/drop_caches");
  drop << "3\n";
  return static_cast<bool>(drop.flush());
}

// Loads the points, then ingests the edges in timed durable batches.
absl::Status Ingest(GraphStore& store, const GraphRunInputs& in,
                    GraphResults* results) {
  const GraphConfig& config = in.config;
  const size_t points = in.workload.points.size();
  Clock::time_point start = Clock::now();
  for (size_t first = 0; first < points; first += config.batch_points) {
    size_t count = std::min(points, first + config.batch_points) - first;
    if (absl::Status s = store.LoadPoints(in.workload, first, count); !s.ok()) {
      return s;
    }
  }
  (*results)["points_per_s"] = points / (MillisecondsSince(start) / 1000);
  const size_t edges = in.workload.edges.size();
  const size_t report_every = std::max<size_t>(edges / 10, 1);
  start = Clock::now();
  for (size_t first = 0; first < edges; first += config.batch_edges) {
    size_t count = std::min(edges, first + config.batch_edges) - first;
    if (absl::Status s = store.InsertEdges(in.workload, first, count);
        !s.ok()) {
      return s;
    }
    if ((first + count) % report_every < count) {
      std::fprintf(stderr, "  %s: %zu edges, %.0f edges/s\n",
                   store.name().c_str(), first + count,
                   (first + count) / (MillisecondsSince(start) / 1000));
    }
  }
  (*results)["ingest_edges_per_s"] = edges / (MillisecondsSince(start) / 1000);
  return absl::OkStatus();
}

absl::Status Queries(GraphStore& store, const GraphRunInputs& in,
                     GraphResults* results, CheckLog* verified) {
  for (const GraphQueryClass& c : kGraphQueryClasses) {
    size_t answers = 0;
    // The warm-up pass records the verified answers.
    absl::StatusOr<std::vector<double>> latencies =
        Pass(store, c, in, verified, &answers);
    if (latencies.ok()) latencies = Pass(store, c, in, nullptr, &answers);
    if (!latencies.ok()) return latencies.status();
    const std::string key = c.key;
    (*results)[key + "_median_ms"] = Median(*latencies);
    (*results)[key + "_p99_ms"] = Percentile(*latencies, 99);
    (*results)[key + "_answers"] =
        latencies->empty() ? 0 : double(answers) / latencies->size();
    std::fprintf(stderr, "  %s: %s median %.3f ms\n", store.name().c_str(),
                 c.label, (*results)[key + "_median_ms"]);
  }
  return absl::OkStatus();
}

// Incident lookups after a reopen with the OS page cache dropped.
absl::Status ColdIncident(GraphStore& store, const GraphRunInputs& in,
                          GraphResults* results) {
  if (absl::Status s = store.Reopen(); !s.ok()) return s;
  (*results)["cold_cache_dropped"] = DropOsCaches() ? 1 : 0;
  size_t answers = 0;
  absl::StatusOr<std::vector<double>> latencies =
      Pass(store, kGraphQueryClasses[0], in, nullptr, &answers);
  if (!latencies.ok()) return latencies.status();
  (*results)["incident_cold_median_ms"] = Median(*latencies);
  (*results)["incident_cold_p99_ms"] = Percentile(*latencies, 99);
  return absl::OkStatus();
}

}  // namespace

SystemOutcome RunGraphSystem(GraphStore& store, const std::string& dir,
                             const GraphRunInputs& inputs) {
  SystemOutcome outcome;
  outcome.status = store.Create(dir);
  if (!outcome.status.ok()) {
    outcome.could_not_start = absl::IsUnavailable(outcome.status);
    return outcome;
  }
  GraphResults& results = outcome.results;
  outcome.status = Ingest(store, inputs, &results);
  if (outcome.status.ok()) outcome.status = store.Flush();
  if (!outcome.status.ok()) return outcome;
  results["disk_mb"] = DirectoryBytes(dir) / 1e6;
  outcome.status = Queries(store, inputs, &results, &outcome.verified);
  // Taken after the warm passes (the cold pass starts from empty caches).
  for (const auto& [key, value] : store.ExtraResults()) results[key] = value;
  if (outcome.status.ok() && store.name().starts_with("infinitedb")) {
    outcome.status = ColdIncident(store, inputs, &results);
  }
  return outcome;
}

absl::StatusOr<CheckLog> VerifiedAnswers(GraphStore& store,
                                         const GraphRunInputs& inputs) {
  CheckLog verified;
  GraphConfig config = inputs.config;
  GraphQueries queries = inputs.queries;
  // Only the verified queries, once.
  auto cut = [&](auto& list) {
    list.resize(std::min(list.size(), config.verified_queries));
  };
  cut(queries.incident_nodes);
  cut(queries.starts_2hop);
  cut(queries.starts_3hop);
  cut(queries.boxes_small);
  cut(queries.boxes_large);
  cut(queries.path_pairs);
  GraphRunInputs in{config, inputs.workload, queries};
  for (const GraphQueryClass& c : kGraphQueryClasses) {
    size_t answers = 0;
    absl::StatusOr<std::vector<double>> latencies =
        Pass(store, c, in, &verified, &answers);
    if (!latencies.ok()) return latencies.status();
  }
  return verified;
}

}  // namespace infinitedb::bench
