// Which of this server's revisions hold only versions stamped at or below a
// given HLC stamp: samples of (revision, clock) taken as commits publish,
// at most one per clock millisecond, thinned when there are many. A branch
// that arrives from another server with a fork stamp gets its fork revision
// (mvcc::BranchLevel::floor) from here: every version at or below the floor
// is stamped at or below the fork. A missing sample only lowers the floor
// (diffs and merges then scan more), never breaks that rule. Thread-safe.
#ifndef INFINITEDB_ENGINE_COMMIT_HLC_REVISION_INDEX_H_
#define INFINITEDB_ENGINE_COMMIT_HLC_REVISION_INDEX_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "engine/public/types.h"

namespace infinitedb::commit {

class HlcRevisionIndex {
 public:
  // Every version at a revision <= `revision` is stamped at or below
  // `clock` (the clock's Last() once `revision` is published).
  void Note(Revision revision, uint64_t clock) {
    absl::MutexLock lock(&mu_);
    if (!samples_.empty()) {
      auto& [last_revision, last_clock] = samples_.back();
      if (HlcPhysicalMs(last_clock) == HlcPhysicalMs(clock)) return;
      if (revision <= last_revision || clock <= last_clock) return;
    }
    if (samples_.size() == kMaxSamples) Thin();
    samples_.emplace_back(revision, clock);
  }

  // The highest known revision whose versions are all stamped at or below
  // `hlc`; 0 when none is known.
  Revision FloorFor(uint64_t hlc) const {
    absl::MutexLock lock(&mu_);
    auto after = std::upper_bound(samples_.begin(), samples_.end(), hlc,
                                  [](uint64_t stamp, const auto& sample) {
                                    return stamp < sample.second;
                                  });
    if (after == samples_.begin()) return 0;
    return std::prev(after)->first;
  }

 private:
  static constexpr size_t kMaxSamples = size_t{1} << 16;

  // Keeps every second sample of the older half: recent forks stay exact,
  // old ones get a coarser (lower) floor.
  void Thin() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const size_t half = samples_.size() / 2;
    size_t kept = 0;
    for (size_t i = 0; i < samples_.size(); ++i) {
      if (i < half && i % 2 == 1) continue;
      samples_[kept++] = samples_[i];
    }
    samples_.resize(kept);
  }

  mutable absl::Mutex mu_;
  std::vector<std::pair<Revision, uint64_t>> samples_ ABSL_GUARDED_BY(mu_);
};

}  // namespace infinitedb::commit

#endif  // INFINITEDB_ENGINE_COMMIT_HLC_REVISION_INDEX_H_
