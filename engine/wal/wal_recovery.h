// Replays the write-ahead log on open. Reads every segment in order and hands
// each commit to a callback. A torn or bad frame at the tail of the newest
// segment is the end of the log: the file is truncated there (and logged). A
// bad frame anywhere else, or revisions that do not increase, is DataLoss
// naming the file and offset, and the database must not open.
#ifndef INFINITEDB_ENGINE_WAL_WAL_RECOVERY_H_
#define INFINITEDB_ENGINE_WAL_WAL_RECOVERY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "engine/public/env.h"
#include "engine/wal/wal_format.h"
#include "spdlog/logger.h"

namespace infinitedb::wal {

struct RecoveryResult {
  // Where appending continues: the newest segment and its valid length.
  uint64_t last_segment = 1;
  uint64_t end_offset = 0;
  // Highest revision found in the log (0 if none).
  Revision max_revision = 0;
  uint64_t commits_replayed = 0;
  uint64_t segments = 0;
  // Bytes cut off the tail of the newest segment (a torn last write).
  uint64_t truncated_bytes = 0;
  // Highest revision in each segment (0 for an empty one).
  std::map<uint64_t, Revision> segment_max_revision;
};

// Replays `wal_dir` (created if missing), calling `apply` for every commit in
// log order. An error from `apply` stops recovery and is returned.
absl::StatusOr<RecoveryResult> RecoverLog(
    FileSystem* file_system, spdlog::logger* logger, const std::string& wal_dir,
    const std::function<absl::Status(WalCommit)>& apply);

}  // namespace infinitedb::wal

#endif  // INFINITEDB_ENGINE_WAL_WAL_RECOVERY_H_
