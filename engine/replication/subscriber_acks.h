// The durable acknowledgements of change-stream subscribers (replication
// peers and change-data-capture clients), by subscriber id: the revision
// each has applied. The engine keeps the WAL they still need (from the
// oldest acknowledgement, at most `retention_revisions` back) and keeps the
// acknowledgements across restarts in <data_dir>/SUBSCRIBERS.
//
// File layout: a sequence of CRC frames (engine/common/framing.h), one per
// subscriber, in id order, all of type 1 (kSubscriberAck):
//
//   offset  size  field (little-endian)
//   0       8     acked_revision
//   8       4     id_bytes (1..kMaxSubscriberIdBytes)
//   12      n     id
//
// Worked example: subscriber "b" at revision 7 is one frame whose payload is
// 07 00 00 00 00 00 00 00 | 01 00 00 00 | 62. The file is replaced whole
// (temporary file, fsync, rename, directory fsync), so a reader sees the old
// or the new contents and never a torn frame; a damaged file is DataLoss.
// Frozen: the type number and layout are stored on disk.
//
// Servers before this file kept the acknowledgements in a text file,
// <data_dir>/replication_subscribers ("<acked_revision> <id>\n" per line);
// it is read when SUBSCRIBERS does not exist and removed after the first
// write of SUBSCRIBERS.
//
// Thread-safe.
#ifndef INFINITEDB_ENGINE_REPLICATION_SUBSCRIBER_ACKS_H_
#define INFINITEDB_ENGINE_REPLICATION_SUBSCRIBER_ACKS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/public/env.h"
#include "engine/public/types.h"

namespace infinitedb::replication {

inline constexpr char kSubscriberAcksFileName[] = "SUBSCRIBERS";
inline constexpr char kLegacySubscriberFileName[] = "replication_subscribers";
inline constexpr uint8_t kSubscriberAckFrame = 1;
inline constexpr size_t kMaxSubscriberIdBytes = 200;

// The file's contents for `acks`, and back (DataLoss naming `path`).
std::string EncodeSubscriberAcks(const std::map<std::string, Revision>& acks);
absl::StatusOr<std::map<std::string, Revision>> DecodeSubscriberAcks(
    std::string_view contents, std::string_view path);

class SubscriberAcks {
 public:
  // Reads the acknowledgements of `data_dir` (none when there is no file).
  static absl::StatusOr<std::unique_ptr<SubscriberAcks>> Open(
      FileSystem* file_system, std::string data_dir,
      uint64_t retention_revisions);

  // Subscriber `id` has applied everything up to `acked` (which may go back
  // when a subscriber starts over). In memory until Persist().
  void Set(std::string_view id, Revision acked);
  // Drops `id` and persists at once; NotFound for an unknown id.
  absl::Status Forget(std::string_view id);
  std::map<std::string, Revision> All() const;
  // The oldest revision some subscriber still needs, kept within
  // `retention_revisions` below `current`; 0 when there is no subscriber.
  Revision HoldRevision(Revision current) const;
  // Writes the file if anything changed since the last write.
  absl::Status Persist();

  uint64_t retention_revisions() const { return retention_revisions_; }

 private:
  SubscriberAcks(FileSystem* file_system, std::string data_dir,
                 uint64_t retention_revisions,
                 std::map<std::string, Revision> acks, bool legacy_file);

  // Constant after construction.
  FileSystem* const file_system_;
  const std::string data_dir_;
  const uint64_t retention_revisions_;

  absl::Mutex persist_mu_;  // one writer of the file at a time
  bool legacy_file_ ABSL_GUARDED_BY(persist_mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, Revision> acks_ ABSL_GUARDED_BY(mu_);
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace infinitedb::replication

#endif  // INFINITEDB_ENGINE_REPLICATION_SUBSCRIBER_ACKS_H_
