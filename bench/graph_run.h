// One system's run of the graph benchmark, inside the process that calls
// it: load, ingest, flush, then every query class (a warm-up pass that also
// records the verified answers, then a timed pass), and for the engine a
// cold pass of incident lookups. Also the query classes themselves, which
// the table (graph_table.cc) prints by the same keys.
#ifndef INFINITEDB_BENCH_GRAPH_RUN_H_
#define INFINITEDB_BENCH_GRAPH_RUN_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "bench/graph_bench.h"
#include "bench/graph_check.h"
#include "bench/graph_store.h"

namespace infinitedb::bench {

// Figures by key ("incident_median_ms"), as the table prints them.
using GraphResults = std::map<std::string, double>;

enum class GraphQueryKind {
  kIncident,
  kTwoHop,
  kThreeHop,
  kBoxSmall,
  kBoxLarge,
  kPath
};
struct GraphQueryClass {
  GraphQueryKind kind;
  const char* key;    // prefix of its result keys and check log keys
  const char* label;  // in the table
};
inline constexpr GraphQueryClass kGraphQueryClasses[] = {
    {GraphQueryKind::kIncident, "incident", "incident edges of a node"},
    {GraphQueryKind::kTwoHop, "hop2", "2-hop traversal"},
    {GraphQueryKind::kThreeHop, "hop3", "3-hop traversal"},
    {GraphQueryKind::kBoxSmall, "box_small", "box incidence 0.01%"},
    {GraphQueryKind::kBoxLarge, "box_large", "box incidence 0.1%"},
    {GraphQueryKind::kPath, "path", "shortest path"},
};

struct GraphRunInputs {
  const GraphConfig& config;
  const GraphWorkload& workload;
  const GraphQueries& queries;
};

struct SystemOutcome {
  absl::Status status;
  bool could_not_start = false;  // status says why; no figures
  GraphResults results;
  CheckLog verified;  // the first answers of each class
};

// Runs `store` in `dir` (created empty).
SystemOutcome RunGraphSystem(GraphStore& store, const std::string& dir,
                             const GraphRunInputs& inputs);

// The verified answers of a store already loaded (the reference).
absl::StatusOr<CheckLog> VerifiedAnswers(GraphStore& store,
                                         const GraphRunInputs& inputs);

void PrintGraphTable(const GraphConfig& config,
                     const std::map<std::string, GraphResults>& by_system);

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_GRAPH_RUN_H_
