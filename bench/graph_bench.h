// Workload graph-1m of ../shared/BENCH.md, side by side: the engine, SQLite
// and PostgreSQL 15 (a private instance on loopback), each in its own child
// process (so that peak RSS is its own), on the same hyperedges and the same
// queries: ingest in durable commits of 1,000 edges, incident-edge lookups,
// 2- and 3-hop traversals, box incidence at 0.01% and 0.1%, shortest paths.
// Printed as one table with ratios to the best peer. The first answers of
// every query class of every system are checked against an in-memory
// reference computed from the workload; any mismatch fails the run.
#ifndef INFINITEDB_BENCH_GRAPH_BENCH_H_
#define INFINITEDB_BENCH_GRAPH_BENCH_H_

#include <map>
#include <string>
#include <vector>

#include "bench/graph_workload.h"

namespace infinitedb::bench {

struct GraphConfig {
  std::string work_dir = "./bench-data";
  size_t points = 1'000'000;
  size_t edges = 1'000'000;
  size_t batch_edges = 1000;   // one durable commit each
  size_t batch_points = 1000;  // the untimed-for-ingest point load
  QueryPlan queries;
  size_t verified_queries = 20;  // per class, against the reference
  uint32_t path_depth_max = 6;   // most edges on a shortest path
  std::vector<std::string> systems = {"infinitedb", "infinitedb-nocache",
                                      "sqlite", "postgres"};
};

// Returns the process exit code: 0, or 1 on any error or mismatch (a
// system that cannot start, like a PostgreSQL that will not run here, is
// skipped with a notice instead).
int RunGraphBench(const GraphConfig& config);

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_GRAPH_BENCH_H_
