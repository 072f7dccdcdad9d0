// Hybrid logical clock: stamps commits with (physical ms << 16 | logical) so
// that stamps never go backwards on one node, even if the wall clock does,
// and stay close to real time. Thread-safe.
#ifndef INFINITEDB_ENGINE_COMMIT_HLC_CLOCK_H_
#define INFINITEDB_ENGINE_COMMIT_HLC_CLOCK_H_

#include <cstdint>
#include <functional>

#include "absl/synchronization/mutex.h"
#include "engine/public/types.h"

namespace infinitedb {

class HlcClock {
 public:
  using WallClockMs = std::function<uint64_t()>;

  explicit HlcClock(WallClockMs wall_clock_ms)
      : wall_clock_ms_(std::move(wall_clock_ms)) {}

  // A stamp greater than every stamp returned or observed before.
  uint64_t Now() {
    uint64_t physical = (wall_clock_ms_() & kPhysicalMask) << kLogicalBits;
    absl::MutexLock lock(&mu_);
    last_ = physical > last_ ? physical : last_ + 1;
    return last_;
  }

  // Moves the clock past `stamp` (a recovered or received stamp).
  void Observe(uint64_t stamp) {
    absl::MutexLock lock(&mu_);
    if (stamp > last_) last_ = stamp;
  }

  // The greatest stamp returned or observed so far.
  uint64_t Last() {
    absl::MutexLock lock(&mu_);
    return last_;
  }

 private:
  static constexpr int kLogicalBits = kHlcLogicalBits;
  static constexpr uint64_t kPhysicalMask = (uint64_t{1} << 48) - 1;

  const WallClockMs wall_clock_ms_;
  absl::Mutex mu_;
  uint64_t last_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_COMMIT_HLC_CLOCK_H_
