// Appends commit frames to the newest WAL segment through io_uring, rolling
// to a new segment file past the size limit. Owned and called by one thread
// (the group-commit thread); see wal_format.h for the file layout.
#ifndef INFINITEDB_ENGINE_WAL_WAL_WRITER_H_
#define INFINITEDB_ENGINE_WAL_WAL_WRITER_H_

#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "engine/io/file.h"

namespace infinitedb::wal {

class WalWriter {
 public:
  // Appends to segment `segment_number` of `wal_dir` from `offset` (the end
  // of the recovered log), creating the file if it does not exist.
  static absl::StatusOr<std::unique_ptr<WalWriter>> Open(
      FileSystem* file_system, const std::string& wal_dir,
      uint64_t segment_number, uint64_t offset, uint64_t segment_bytes_max);

  // Writes `buffers` back to back at the end of the log; with `data_sync`
  // the call returns after they are durable (one linked write + fdatasync).
  absl::Status Append(std::span<const iovec> buffers, bool data_sync);
  // Append in two halves: StartAppend submits the write (and fdatasync),
  // FinishAppend waits for it. The buffers must live until then.
  absl::Status StartAppend(std::span<const iovec> buffers, bool data_sync);
  absl::Status FinishAppend();
  // After a failed append: cuts off whatever part of it reached the file
  // and makes the file durable again, so that the log ends with the last
  // complete append. An error here means the log's tail is unknown; so is
  // it after any failed sync of appended, unsynced data (async
  // durability), which this then returns.
  absl::Status AbandonAppend();
  // Makes everything appended so far durable.
  absl::Status Sync();
  // Syncs the current segment and starts the next one (a no-op when the
  // current one is empty).
  absl::Status RollSegment();

  // The failed sync of unsynced appends, if any: then acknowledged async
  // commits may be lost.
  const absl::Status& failed_sync() const { return failed_sync_; }
  uint64_t segment_number() const { return segment_number_; }
  uint64_t segment_offset() const { return offset_; }

 private:
  WalWriter(FileSystem* file_system, std::string wal_dir,
            uint64_t segment_bytes_max, std::unique_ptr<IoRing> uring);
  absl::Status OpenSegment(uint64_t number, uint64_t offset);

  FileSystem* const file_system_;
  const std::string wal_dir_;
  const uint64_t segment_bytes_max_;
  std::unique_ptr<IoRing> uring_;
  io::File file_;
  uint64_t segment_number_ = 0;
  uint64_t offset_ = 0;
  bool unsynced_ = false;
  // A sync of unsynced appends failed: acknowledged data may be lost.
  absl::Status failed_sync_;
  uint64_t appending_bytes_ = 0;  // of the write between Start and Finish
  bool appending_sync_ = false;
};

}  // namespace infinitedb::wal

#endif  // INFINITEDB_ENGINE_WAL_WAL_WRITER_H_
