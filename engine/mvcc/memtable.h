// The in-memory table of recent versions. One writer at a time (the thread
// writing a commit group) adds; any number of readers iterate at the same
// time.
//
// Each entry is one version record (version_record.h) in the arena. The
// entries are indexed by a few sorted runs (run_set.h) rather than one search
// structure: a commit's versions, sorted, become a new run, and runs of
// similar size merge. Inserting into a tree or skip list instead costs a
// chain of cache misses per version, which was most of the cost of a batched
// commit.
//
// An iterator works on the runs current when it was made, so it sees every
// version applied before then (and a reader's snapshot revision is published
// only after its versions are applied).
#ifndef INFINITEDB_ENGINE_MVCC_MEMTABLE_H_
#define INFINITEDB_ENGINE_MVCC_MEMTABLE_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/mvcc/arena.h"
#include "engine/mvcc/run_set.h"
#include "engine/mvcc/sorted_run.h"
#include "engine/mvcc/version_iterator.h"
#include "engine/public/types.h"

namespace infinitedb::mvcc {

class MemTable {
 public:
  MemTable() = default;
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;

  // Adds the versions of one commit as one run. Single writer: one
  // BatchAdder at a time, on the writer thread. The versions may come in any
  // order; (branch, space, point, revision) must be new.
  class BatchAdder {
   public:
    explicit BatchAdder(MemTable* table) : table_(table) {}
    // `hilbert_key` must be the Hilbert key of `point`.
    void Add(uint32_t branch_id, uint32_t space_id, const Point& point,
             std::string_view hilbert_key, const CommitStamp& stamp,
             bool deleted, std::string_view value);
    // Makes the versions visible to new iterators.
    void Finish();
    // Finish in parts, for a writer that stages a commit while its WAL
    // write is in flight: Sort orders the versions (the costly part), then
    // Publish makes them visible without merging runs; MemTable::MergeRuns
    // does that later. A BatchAdder dropped before Publish adds nothing.
    void Sort();
    void Publish();

   private:
    MemTable* const table_;
    SortedRun run_;
  };

  // Adds one version (a batch of one).
  void Add(uint32_t branch_id, uint32_t space_id, const Point& point,
           std::string_view hilbert_key, const CommitStamp& stamp, bool deleted,
           std::string_view value);

  // Arena bytes plus the run index; readable from any thread.
  size_t MemoryUsageBytes() const {
    return arena_.MemoryUsageBytes() + runs_.index_bytes();
  }
  // Number of versions added; readable from any thread.
  size_t entry_count() const {
    return entry_count_.load(std::memory_order_relaxed);
  }
  // Merges runs that Publish left unmerged; writer thread only.
  void MergeRuns() { runs_.MergeNewest(); }
  // Number of runs (for tests and stats).
  size_t run_count() const { return runs_.Snapshot()->size(); }
  // Waits for background merges of runs (for tests), and counts them.
  void WaitForMerges() { runs_.WaitForMerges(); }
  size_t background_merges() const { return runs_.background_merges(); }

  // An iterator over every version added before the call; valid while the
  // memtable lives.
  std::unique_ptr<VersionIterator> NewIterator() const;

 private:
  class Iterator;

  // Copies one version into the arena; returns its run entry.
  RunEntry Encode(uint32_t branch_id, uint32_t space_id, const Point& point,
                  std::string_view hilbert_key, const CommitStamp& stamp,
                  bool deleted, std::string_view value);
  // Adds `run` (any order), merging runs when `merge`.
  void AddRun(SortedRun run, bool merge);

  Arena arena_;
  std::atomic<size_t> entry_count_{0};
  // Declared last: destroyed first, after its background merge ends.
  RunSet runs_;
};

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_MEMTABLE_H_
