// `infdb-bench merge`: workload "merge" of ../shared/BENCH.md. A `main` of
// 1,000,000 and of 10,000,000 records (3-D, 64-byte values, sealed in
// segments); per repetition a branch forked from main changes 100,000 of
// them, main changes 10% of those differently, and the benchmark times the
// diff of the two (every page), a dry run, the merge (stopped at the
// conflicts), the conflict listing (every page), resolving them all and
// the commit. Each answer is checked (counts, and the merged values of a
// sample). The cost should follow the branch's changes, not main's size:
// the report gives the medians per size and their ratio.
#ifndef INFINITEDB_BENCH_MERGE_BENCH_H_
#define INFINITEDB_BENCH_MERGE_BENCH_H_

#include <cstddef>
#include <string>
#include <vector>

namespace infinitedb::bench {

struct MergeBenchConfig {
  std::string work_dir = "./bench-data/merge";
  std::vector<size_t> main_records = {1'000'000, 10'000'000};
  size_t changed = 100'000;    // records the branch changes
  size_t conflict_every = 10;  // main changes every 10th of them too
  int reps = 3;                // branches merged one after another
  size_t cache_mib = 0;        // block cache; 0: the engine's default
};

int RunMergeBench(const MergeBenchConfig& config);

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_MERGE_BENCH_H_
