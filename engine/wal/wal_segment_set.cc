#include "engine/wal/wal_segment_set.h"

#include <algorithm>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
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
  // One release at a time; the set's lock is not held across the unlinks
  // and the directory fsync, so commits and change-stream readers go on.
  absl::MutexLock release_lock(&release_mu_);
  std::vector<uint64_t> released;
  {
    absl::MutexLock lock(&mu_);
    while (max_revision_.size() > 1) {
      auto oldest = max_revision_.begin();
      if (oldest->second > revision) break;
      released.push_back(oldest->first);
      floor_ = std::max(floor_, oldest->second);
      max_revision_.erase(oldest);
    }
  }
  for (uint64_t segment : released) {
    // A failure leaves a file that the next open replays and releases (its
    // revisions are all sealed).
    absl::Status status =
        file_system_->Remove(wal_dir_ + "/" + SegmentFileName(segment));
    if (!status.ok()) return status;
  }
  if (!released.empty()) {
    absl::Status status = file_system_->SyncDirectory(wal_dir_);
    if (!status.ok()) return status;
  }
  return released;
}

void WalSegmentSet::SetFloor(Revision floor) {
  absl::MutexLock lock(&mu_);
  floor_ = floor;
}

Revision WalSegmentSet::floor() const {
  absl::MutexLock lock(&mu_);
  return floor_;
}

std::vector<uint64_t> WalSegmentSet::SegmentsAfter(Revision after,
                                                   Revision* floor) const {
  absl::MutexLock lock(&mu_);
  *floor = floor_;
  std::vector<uint64_t> segments;
  for (const auto& [segment, max_revision] : max_revision_) {
    // An empty segment (0) may be the newest one, about to be written.
    if (max_revision > after || max_revision == 0) segments.push_back(segment);
  }
  return segments;
}

absl::StatusOr<io::File> WalSegmentSet::OpenForRead(uint64_t segment) const {
  absl::MutexLock lock(&mu_);
  if (!max_revision_.contains(segment)) {
    return absl::NotFoundError(absl::StrFormat("WAL segment %s was released",
                                               SegmentFileName(segment)));
  }
  return file_system_->Open(wal_dir_ + "/" + SegmentFileName(segment),
                            /*writable=*/false);
}

bool WalSegmentSet::IsNewest(uint64_t segment) const {
  absl::MutexLock lock(&mu_);
  return !max_revision_.empty() && max_revision_.rbegin()->first == segment;
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
