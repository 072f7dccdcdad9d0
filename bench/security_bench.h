// What TLS and auth cost through gRPC (the security issue's benchmark), in
// one run: four infdb-server processes, plain, with auth, with TLS, and
// with both, hold the same points. Rounds interleave them (the order
// rotates each round) so that the drift of a shared machine falls on all
// four alike; in each round each serves the 0.01% boxes of workload
// points-1m, ingest B (single commits from one client) and ingest C (single
// commits from many clients). Medians over rounds, each variant's cost as a
// ratio to plain gRPC. Result sets of the first boxes are checked against a
// brute-force scan on every server; any mismatch fails the run.
#ifndef INFINITEDB_BENCH_SECURITY_BENCH_H_
#define INFINITEDB_BENCH_SECURITY_BENCH_H_

#include <string>

namespace infinitedb::bench {

struct SecurityConfig {
  std::string work_dir = "./bench-data";
  int dims = 2;
  size_t records = 1'000'000;
  int rounds = 5;
  size_t boxes = 1000;              // 0.01% boxes per round
  size_t single_commits = 500;      // ingest B per round
  int concurrent_clients = 32;      // ingest C
  double concurrent_seconds = 1.5;  // ingest C per round
  size_t verified_boxes = 20;
};

// Returns the process exit code: 0, or 1 on any error or mismatch.
int RunSecurityBench(const SecurityConfig& config);

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_SECURITY_BENCH_H_
