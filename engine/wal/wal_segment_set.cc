#include "engine/wal/wal_segment_set.h"

#include "absl/status/statusor.h"
#include "engine/io/file.h"
#include "engine/wal/wal_format.h"

namespace infinitedb::wal {

void WalSegmentSet::Record(uint64_t segment, Revision revision) {
  absl::MutexLock lock(&mu_);
  Revision& max = max_revision_[segment];
  if (revision > max) max = revision;
}

absl::StatusOr<std::vector<uint64_t>> WalSegmentSet::ReleaseUpTo(
    Revision revision) {
  std::vector<uint64_t> released;
  absl::MutexLock lock(&mu_);
  while (max_revision_.size() > 1) {
    auto oldest = max_revision_.begin();
    if (oldest->second > revision) break;
    absl::Status status =
        io::RemoveFile(wal_dir_ + "/" + SegmentFileName(oldest->first));
    if (!status.ok()) return status;
    released.push_back(oldest->first);
    max_revision_.erase(oldest);
  }
  if (!released.empty()) {
    absl::Status status = io::SyncDirectory(wal_dir_);
    if (!status.ok()) return status;
  }
  return released;
}

size_t WalSegmentSet::segment_count() const {
  absl::MutexLock lock(&mu_);
  return max_revision_.size();
}

uint64_t WalSegmentSet::oldest_segment() const {
  absl::MutexLock lock(&mu_);
  return max_revision_.empty() ? 0 : max_revision_.begin()->first;
}

}  // namespace infinitedb::wal
