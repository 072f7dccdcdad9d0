// Durable write throughput of the engine (ingest A, B and C of
// ../shared/BENCH.md) beside the raw single-writer append + fdatasync rate of
// the same disk, measured in the same run.
#ifndef INFINITEDB_BENCH_INGEST_BENCH_H_
#define INFINITEDB_BENCH_INGEST_BENCH_H_

#include <string>

namespace infinitedb::bench {

struct IngestConfig {
  std::string work_dir;  // scratch directory on the disk under test
  int dims = 2;
  int repetitions = 3;               // after one warm-up; medians are reported
  size_t single_commits = 5000;      // ingest B
  int concurrent_clients = 32;       // ingest C
  double concurrent_seconds = 3;     // ingest C duration per repetition
  size_t batch_records = 1000;       // ingest A commit size
  size_t batched_records = 200'000;  // ingest A records per repetition
};

// Runs the ingest workloads and prints one table; returns a process exit
// code (non-zero when the engine failed).
int RunIngestBench(const IngestConfig& config);

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_INGEST_BENCH_H_
