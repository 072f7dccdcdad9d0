// Reads committed commits back out of the WAL for the change stream while
// the commit thread keeps appending to it. Only revisions up to the caller's
// visible revision are returned, so a frame still being written is never
// read. A position lets the next read continue where the last one stopped
// instead of scanning the segment from its start.
#ifndef INFINITEDB_ENGINE_WAL_WAL_CHANGE_READER_H_
#define INFINITEDB_ENGINE_WAL_WAL_CHANGE_READER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/wal/wal_format.h"
#include "engine/wal/wal_segment_set.h"

namespace infinitedb::wal {

// Where a read continues: after revision `after`, at `offset` of WAL
// segment `segment` (0 = find the segment from `after`).
struct ChangeLogPosition {
  Revision after = 0;
  uint64_t segment = 0;
  uint64_t offset = 0;
};

struct ChangeLogBatch {
  std::vector<WalCommit> commits;  // revisions > from.after, increasing
  // next.after is the last revision considered: `visible` once the read
  // reached it.
  ChangeLogPosition next;
};

// Reads the commits after `from.after` up to `visible`, stopping once about
// `max_bytes` of payload are collected (at least one commit when there is
// one). OutOfRange when the log no longer holds every revision after
// `from.after`; DataLoss for a damaged frame below `visible`.
absl::StatusOr<ChangeLogBatch> ReadChangeLog(const WalSegmentSet& segments,
                                             ChangeLogPosition from,
                                             Revision visible,
                                             size_t max_bytes);

}  // namespace infinitedb::wal

#endif  // INFINITEDB_ENGINE_WAL_WAL_CHANGE_READER_H_
