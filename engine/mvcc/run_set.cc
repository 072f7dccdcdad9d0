#include "engine/mvcc/run_set.h"

#include <algorithm>
#include <cassert>

namespace infinitedb::mvcc {

RunSet::~RunSet() { WaitForMerges(); }

void RunSet::WaitForMerges() {
  if (merger_.joinable()) merger_.join();
}

std::shared_ptr<const RunSet::RunList> RunSet::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return published_;
}

void RunSet::Publish() {
  size_t entries = 0;
  for (const auto& run : runs_) entries += run->size();
  index_bytes_.store(entries * sizeof(RunEntry), std::memory_order_relaxed);
  published_ = std::make_shared<const RunList>(runs_);
}

void RunSet::Add(std::shared_ptr<const SortedRun> run) {
  Append(std::move(run));
  MergeNewest();
}

void RunSet::Append(std::shared_ptr<const SortedRun> run) {
  absl::MutexLock lock(&mu_);
  runs_.push_back(std::move(run));
  Publish();
}

void RunSet::MergeNewest() {
  while (true) {
    std::shared_ptr<const SortedRun> older, newer;
    std::thread finished;  // the previous merger, once done
    bool in_background = false;
    {
      absl::MutexLock lock(&mu_);
      if (runs_.size() < 2) return;
      newer = runs_.back();
      older = runs_[runs_.size() - 2];
      if (older->size() > kMergeRatio * newer->size()) return;
      // The background merge's inputs are left to it.
      if (merging_newer_ == older.get() || merging_newer_ == newer.get()) {
        return;
      }
      if (older->size() + newer->size() > kInlineMergeEntries) {
        if (merging_newer_ != nullptr) return;  // one at a time
        // The previous merger has finished its work (it cleared
        // merging_newer_); it is joined below, outside the lock.
        finished = std::move(merger_);
        merging_newer_ = newer.get();
        in_background = true;
        merger_ = std::thread([this, older = std::move(older),
                               newer = std::move(newer)]() mutable {
          MergeInBackground(std::move(older), std::move(newer));
        });
      }
    }
    if (in_background) {
      if (finished.joinable()) finished.join();
      return;
    }
    auto merged = std::make_shared<const SortedRun>(MergeRuns(*older, *newer));
    absl::MutexLock lock(&mu_);
    // Only this thread appends, and the background merge replaces runs
    // older than these two, so they are still the last two.
    assert(runs_.back() == newer);
    runs_.pop_back();
    runs_.back() = std::move(merged);
    Publish();
  }
}

void RunSet::MergeInBackground(std::shared_ptr<const SortedRun> older,
                               std::shared_ptr<const SortedRun> newer) {
  auto merged = std::make_shared<const SortedRun>(MergeRuns(*older, *newer));
  absl::MutexLock lock(&mu_);
  auto at = std::find(runs_.begin(), runs_.end(), older);
  assert(at != runs_.end() && at + 1 != runs_.end() && *(at + 1) == newer);
  *at = std::move(merged);
  runs_.erase(at + 1);
  merging_newer_ = nullptr;
  background_merges_.fetch_add(1, std::memory_order_relaxed);
  Publish();
}

}  // namespace infinitedb::mvcc
