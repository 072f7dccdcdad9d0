// Workload points-1m of ../shared/BENCH.md, side by side: the engine, SQLite's
// R*Tree and RocksDB with a Hilbert key, each in its own child process (so
// peak RSS is its own), on the same data and the same boxes, printed as one
// table with ratios: ingest A, B and C, box queries, bytes on disk, peak RSS.
// Result sets of the first boxes of each class are checked against a
// brute-force scan; any mismatch fails the run.
#ifndef INFINITEDB_BENCH_POINTS_BENCH_H_
#define INFINITEDB_BENCH_POINTS_BENCH_H_

#include <string>
#include <vector>

namespace infinitedb::bench {

struct PointsConfig {
  std::string work_dir = "./bench-data";
  std::vector<int> dims = {2, 3};
  size_t records = 1'000'000;
  size_t batch_records = 1000;    // ingest A commit size
  size_t single_commits = 5000;   // ingest B
  int concurrent_clients = 32;    // ingest C
  double concurrent_seconds = 3;  // ingest C duration
  int query_passes = 3;           // measured passes after a warm-up
  size_t verified_boxes = 20;     // per class, against brute force
  std::vector<std::string> systems = {"infinitedb", "sqlite-rtree",
                                      "rocksdb-hilbert"};
};

// Returns the process exit code: 0, or 1 on any error or mismatch.
int RunPointsBench(const PointsConfig& config);

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_POINTS_BENCH_H_
