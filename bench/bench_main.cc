// infdb-bench: the side-by-side benchmarks of ../shared/BENCH.md.
//
//   infdb-bench ingest [--dir DIR] [--dims D] [--reps N] [--clients N]
//                      [--seconds S] [--single N] [--batched N]
//   infdb-bench points [--dir DIR] [--dims 2,3] [--records N]
//                      [--systems infinitedb,infinitedb-lz4,
//                                 infinitedb-grpc[-tls][-auth],sqlite-rtree,
//                                 rocksdb-hilbert]
//   infdb-bench replication [--dir DIR] [--clients N] [--batch N]
//                           [--seconds S]
//   infdb-bench graph [--dir DIR] [--edges N] [--points N] [--paths N]
//                     [--path-ends walk|random]
//                     [--systems infinitedb,infinitedb-nocache,sqlite,postgres]
//   infdb-bench merge [--dir DIR] [--records 1000000,10000000]
//                     [--changed N] [--reps N] [--cache-mib N]
//   infdb-bench security [--dir DIR] [--dims D] [--records N] [--rounds N]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/str_split.h"
#include "bench/graph_bench.h"
#include "bench/ingest_bench.h"
#include "bench/merge_bench.h"
#include "bench/points_bench.h"
#include "bench/replication_bench.h"
#include "bench/security_bench.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: infdb-bench ingest [--dir DIR] [--dims D] [--reps N] "
               "[--clients N] [--seconds S] [--single N] [--batched N]\n"
               "       infdb-bench points [--dir DIR] [--dims 2,3] "
               "[--records N] [--systems infinitedb,infinitedb-lz4,"
               "infinitedb-grpc[-tls|-auth|-tls-auth],sqlite-rtree,"
               "rocksdb-hilbert]\n"
               "       infdb-bench replication [--dir DIR] [--clients N] "
               "[--batch N] [--seconds S]\n"
               "       infdb-bench graph [--dir DIR] [--edges N] [--points N] "
               "[--paths N] [--path-ends walk|random] "
               "[--systems infinitedb,infinitedb-nocache,sqlite,postgres]\n"
               "       infdb-bench merge [--dir DIR] "
               "[--records 1000000,10000000] [--changed N] [--reps N] "
               "[--cache-mib N]\n"
               "       infdb-bench security [--dir DIR] [--dims D] "
               "[--records N] [--rounds N]\n");
  return 2;
}

}  // namespace

int RunPoints(int argc, char** argv) {
  infinitedb::bench::PointsConfig config;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--dir") {
      config.work_dir = value;
    } else if (flag == "--dims") {
      config.dims.clear();
      for (absl::string_view d : absl::StrSplit(value, ',')) {
        int dims = 0;
        if (!absl::SimpleAtoi(d, &dims)) return Usage();
        config.dims.push_back(dims);
      }
    } else if (flag == "--records") {
      config.records = std::atol(value.c_str());
    } else if (flag == "--systems") {
      config.systems = absl::StrSplit(value, ',');
    } else {
      return Usage();
    }
  }
  if (argc % 2 != 0) return Usage();
  return infinitedb::bench::RunPointsBench(config);
}

int RunGraph(int argc, char** argv) {
  infinitedb::bench::GraphConfig config;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    size_t count = 0;
    if (flag == "--dir") {
      config.work_dir = value;
    } else if (flag == "--edges" && absl::SimpleAtoi(value, &count)) {
      config.edges = count;
    } else if (flag == "--points" && absl::SimpleAtoi(value, &count)) {
      config.points = count;
    } else if (flag == "--paths" && absl::SimpleAtoi(value, &count)) {
      config.queries.paths = count;
    } else if (flag == "--path-ends" &&
               (value == "walk" || value == "random")) {
      config.queries.path_ends = value == "walk"
                                     ? infinitedb::bench::PathEnds::kWalk
                                     : infinitedb::bench::PathEnds::kRandom;
    } else if (flag == "--systems") {
      config.systems = absl::StrSplit(value, ',');
    } else {
      return Usage();
    }
  }
  if (argc % 2 != 0 || config.points < 4) return Usage();
  return infinitedb::bench::RunGraphBench(config);
}

int RunMerge(int argc, char** argv) {
  infinitedb::bench::MergeBenchConfig config;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    size_t count = 0;
    if (flag == "--dir") {
      config.work_dir = value;
    } else if (flag == "--records") {
      config.main_records.clear();
      for (absl::string_view r : absl::StrSplit(value, ',')) {
        if (!absl::SimpleAtoi(r, &count) || count == 0) return Usage();
        config.main_records.push_back(count);
      }
    } else if (flag == "--changed" && absl::SimpleAtoi(value, &count) &&
               count >= config.conflict_every) {
      config.changed = count;
    } else if (flag == "--reps" && absl::SimpleAtoi(value, &count) &&
               count >= 1 && count <= 100) {
      config.reps = static_cast<int>(count);
    } else if (flag == "--cache-mib" && absl::SimpleAtoi(value, &count) &&
               count >= 1) {
      config.cache_mib = count;
    } else {
      return Usage();
    }
  }
  if (argc % 2 != 0) return Usage();
  return infinitedb::bench::RunMergeBench(config);
}

int RunReplication(int argc, char** argv) {
  infinitedb::bench::ReplicationBenchConfig config;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--dir") {
      config.work_dir = value;
    } else if (flag == "--clients") {
      config.clients = std::atoi(value);
    } else if (flag == "--batch") {
      config.batch_records = std::atoi(value);
    } else if (flag == "--seconds") {
      config.seconds = std::atof(value);
    } else {
      return Usage();
    }
  }
  if (argc % 2 != 0 || config.clients < 1 || config.batch_records < 1) {
    return Usage();
  }
  return infinitedb::bench::RunReplicationBench(config);
}

int RunSecurity(int argc, char** argv) {
  infinitedb::bench::SecurityConfig config;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char* value = argv[i + 1];
    int64_t number = 0;
    if (flag == "--dir") {
      config.work_dir = value;
    } else if (flag == "--dims" && absl::SimpleAtoi(value, &number) &&
               number >= 1 && number <= 16) {
      config.dims = static_cast<int>(number);
    } else if (flag == "--records" && absl::SimpleAtoi(value, &number) &&
               number >= 1000) {
      config.records = static_cast<size_t>(number);
    } else if (flag == "--rounds" && absl::SimpleAtoi(value, &number) &&
               number >= 1) {
      config.rounds = static_cast<int>(number);
    } else {
      return Usage();
    }
  }
  if (argc % 2 != 0) return Usage();
  return infinitedb::bench::RunSecurityBench(config);
}

int main(int argc, char** argv) {
  // As in infdb-server: Debian's Abseil checks every lock for deadlocks.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (argc >= 2 && std::strcmp(argv[1], "security") == 0) {
    return RunSecurity(argc, argv);
  }
  if (argc >= 2 && std::strcmp(argv[1], "points") == 0) {
    return RunPoints(argc, argv);
  }
  if (argc >= 2 && std::strcmp(argv[1], "graph") == 0) {
    return RunGraph(argc, argv);
  }
  if (argc >= 2 && std::strcmp(argv[1], "merge") == 0) {
    return RunMerge(argc, argv);
  }
  if (argc >= 2 && std::strcmp(argv[1], "replication") == 0) {
    return RunReplication(argc, argv);
  }
  if (argc < 2 || std::strcmp(argv[1], "ingest") != 0) return Usage();
  infinitedb::bench::IngestConfig config;
  config.work_dir = "./bench-data";
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--dir")
      config.work_dir = value;
    else if (flag == "--dims")
      config.dims = std::atoi(value);
    else if (flag == "--reps")
      config.repetitions = std::atoi(value);
    else if (flag == "--clients")
      config.concurrent_clients = std::atoi(value);
    else if (flag == "--seconds")
      config.concurrent_seconds = std::atof(value);
    else if (flag == "--single")
      config.single_commits = std::atol(value);
    else if (flag == "--batched")
      config.batched_records = std::atol(value);
    else
      return Usage();
  }
  if (argc % 2 != 0) return Usage();
  return infinitedb::bench::RunIngestBench(config);
}
