// Which WAL segment files exist and the highest revision each holds, so that
// segments can be released (deleted) once every revision in them is sealed
// into segment files and no longer held for replication. The newest segment
// (the one being appended to) is never released. It also answers the change
// stream: which revisions the log still holds and which files hold them.
// Thread-safe.
#ifndef INFINITEDB_ENGINE_WAL_WAL_SEGMENT_SET_H_
#define INFINITEDB_ENGINE_WAL_WAL_SEGMENT_SET_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/io/file.h"
#include "engine/public/types.h"

namespace infinitedb::wal {

class WalSegmentSet {
 public:
  WalSegmentSet(FileSystem* file_system, std::string wal_dir)
      : file_system_(file_system), wal_dir_(std::move(wal_dir)) {}

  // Notes that `segment` holds revisions up to `revision` (and exists).
  void Record(uint64_t segment, Revision revision);

  // Deletes every segment older than the newest whose revisions are all
  // <= `revision`; returns the numbers deleted.
  absl::StatusOr<std::vector<uint64_t>> ReleaseUpTo(Revision revision);

  // Every revision above the floor that was ever committed is still in the
  // log. Recovery sets it; releasing segments raises it.
  void SetFloor(Revision floor);
  Revision floor() const;

  // The segments that may hold revisions above `after`, oldest first, and
  // the floor at the same moment.
  std::vector<uint64_t> SegmentsAfter(Revision after, Revision* floor) const;
  // Opens a segment for reading; NotFound once it has been released (an
  // open file stays readable after its release).
  absl::StatusOr<io::File> OpenForRead(uint64_t segment) const;
  // Whether `segment` is the newest one (the one being appended to).
  bool IsNewest(uint64_t segment) const;

  // Number of segment files and their oldest retained revision bound: the
  // highest revision of the oldest segment (0 if none).
  size_t segment_count() const;
  uint64_t oldest_segment() const;

 private:
  FileSystem* const file_system_;
  const std::string wal_dir_;
  absl::Mutex release_mu_;  // serialises ReleaseUpTo
  mutable absl::Mutex mu_;
  std::map<uint64_t, Revision> max_revision_ ABSL_GUARDED_BY(mu_);
  Revision floor_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace infinitedb::wal

#endif  // INFINITEDB_ENGINE_WAL_WAL_SEGMENT_SET_H_
