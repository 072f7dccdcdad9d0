// The sorted runs (sorted_run.h) that index a memtable, and how they merge.
// Each added run is a commit's versions. The newest run is merged into the
// one before it while that one holds at most kMergeRatio times as many
// entries, so a version is copied O(log n) times, sequentially, and there are
// O(log n) runs. Merges of up to kInlineMergeEntries entries run on the
// adding thread; larger ones run on a thread of their own, one at a time, so
// a commit never waits for a merge of the whole memtable.
//
// One writer at a time adds; any thread takes snapshots. A snapshot is an
// immutable list of immutable runs: it holds every run added before it was
// taken (possibly merged).
#ifndef INFINITEDB_ENGINE_MVCC_RUN_SET_H_
#define INFINITEDB_ENGINE_MVCC_RUN_SET_H_

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "engine/mvcc/sorted_run.h"

namespace infinitedb::mvcc {

class RunSet {
 public:
  using RunList = std::vector<std::shared_ptr<const SortedRun>>;

  static constexpr size_t kMergeRatio = 3;
  static constexpr size_t kInlineMergeEntries = 64 << 10;

  RunSet() = default;
  RunSet(const RunSet&) = delete;
  RunSet& operator=(const RunSet&) = delete;
  // Waits for a background merge.
  ~RunSet();

  // Adds a sorted run and merges it into older runs by the rule above;
  // writer thread only.
  void Add(std::shared_ptr<const SortedRun> run);
  // The two halves of Add: Append publishes the run without merging (cheap,
  // for a writer that must not wait), MergeNewest merges what Append left.
  void Append(std::shared_ptr<const SortedRun> run);
  void MergeNewest();

  // The current runs, oldest (largest) first.
  std::shared_ptr<const RunList> Snapshot() const;

  // Bytes of the run entries; readable from any thread.
  size_t index_bytes() const {
    return index_bytes_.load(std::memory_order_relaxed);
  }

  // Waits until no background merge runs (for tests).
  void WaitForMerges();
  // Merges run in the background so far.
  size_t background_merges() const {
    return background_merges_.load(std::memory_order_relaxed);
  }

 private:
  // Makes `runs_` the list new snapshots see.
  void Publish() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MergeInBackground(std::shared_ptr<const SortedRun> older,
                         std::shared_ptr<const SortedRun> newer);

  mutable absl::Mutex mu_;
  RunList runs_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const RunList> published_ ABSL_GUARDED_BY(mu_) =
      std::make_shared<const RunList>();
  // The newer input of the background merge, or null when none runs.
  const SortedRun* merging_newer_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread merger_;  // started and joined by the writer (and destructor)
  std::atomic<size_t> index_bytes_{0};
  std::atomic<size_t> background_merges_{0};
};

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_RUN_SET_H_
