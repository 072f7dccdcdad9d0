// `infdb-bench replication`: replication throughput and lag. Starts two
// infdb-server processes, a source and a follower (--peer source); client
// threads ingest batches into the source at full speed while the follower
// pulls them. Reports the source's ingest rate, the follower's apply rate
// and the distribution of lag: for each acknowledged commit, the time from
// its acknowledgement on the source until the follower's stored cursor
// reached it (polled through Replication.Status).
#ifndef INFINITEDB_BENCH_REPLICATION_BENCH_H_
#define INFINITEDB_BENCH_REPLICATION_BENCH_H_

#include <string>

namespace infinitedb::bench {

struct ReplicationBenchConfig {
  std::string work_dir = "./bench-data/replication";
  int clients = 4;          // writer threads on the source
  int batch_records = 100;  // records per commit
  double seconds = 10;      // how long the writers write
  int dims = 2;
  int value_bytes = 100;
};

int RunReplicationBench(const ReplicationBenchConfig& config);

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_REPLICATION_BENCH_H_
