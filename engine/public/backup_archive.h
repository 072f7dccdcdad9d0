// The backup file format (infdb-cli snapshot save, infdb-server
// --restore-from): one stream of a header, the files of a data directory
// (engine/public/backup.h) and a trailer, checksummed per file and whole.
// Integers are little-endian.
//
//   header   8  magic "INFDBBK1"
//            4  format version (1)
//            4  file count
//            8  revision: everything committed up to it, nothing after
//            4  node id of the server backed up
//            8  created, Unix milliseconds
//            8  base revision (0 for a full backup)
//            32 base digest: the whole-file SHA-256 (trailer) of the backup
//               an incremental one builds on; zeros for a full backup
//            4  info length, then that many bytes of UTF-8 text (what the
//               backup holds, "key: value" lines, for `snapshot status`)
//   file     2  path length, then the path (relative, '/'-separated)
//            1  kind: 0 = its bytes follow; 1 = in the base (the same path
//               with the same bytes: an unchanged segment file), no bytes
//            8  size, then (kind 0) that many bytes
//            32 SHA-256 of the file's bytes
//   trailer  8  magic "INFDBEND"
//            4  file count again
//            8  total bytes of the files that follow in this backup
//            32 SHA-256 of every byte before the trailer
//
// A reader checks each part as it arrives; any mismatch, a cut stream or a
// path that leaves the directory is DataLoss naming what is wrong.
// Restoring an incremental backup needs its base (and the base's bases).
#ifndef INFINITEDB_ENGINE_PUBLIC_BACKUP_ARCHIVE_H_
#define INFINITEDB_ENGINE_PUBLIC_BACKUP_ARCHIVE_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace infinitedb {

struct BackupHeader {
  uint64_t revision = 0;
  uint32_t node_id = 0;
  uint64_t created_unix_ms = 0;
  uint32_t file_count = 0;
  uint64_t base_revision = 0;
  std::string base_digest;  // 32 bytes; empty for a full backup
  std::string info;
};

struct BackupFileHeader {
  std::string path;
  uint64_t size = 0;
  bool in_base = false;      // no bytes here: the base has them
  std::string sha256;        // of the bytes (set by the reader)
  uint64_t data_offset = 0;  // where the bytes start in the stream
};

// Writes an archive to `sink` (false from it = the receiver is gone:
// Cancelled).
class BackupArchiveWriter {
 public:
  explicit BackupArchiveWriter(std::function<bool(std::string_view)> sink);
  ~BackupArchiveWriter();

  absl::Status Begin(const BackupHeader& header);
  // A file whose bytes follow (Append, then EndFile).
  absl::Status BeginFile(const BackupFileHeader& file);
  // A file the base holds: path, size and its SHA-256, no bytes.
  absl::Status AddBaseFile(const BackupFileHeader& file);
  absl::Status Append(std::string_view bytes);
  absl::Status EndFile();  // after exactly `size` bytes
  absl::Status Finish();   // after `file_count` files

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Reads and checks an archive from `in`.
class BackupArchiveReader {
 public:
  explicit BackupArchiveReader(std::istream& in);
  ~BackupArchiveReader();

  absl::StatusOr<BackupHeader> ReadHeader();
  // The next file: its header, then its bytes to `on_data` in pieces, then
  // its checksum. False once the trailer is reached and checked.
  absl::StatusOr<bool> NextFile(
      BackupFileHeader* file,
      const std::function<absl::Status(std::string_view)>& on_data);
  // The whole-file SHA-256 (what an incremental backup names as its base),
  // once NextFile has returned false.
  std::string digest() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The format's digest (SHA-256) of bytes given in pieces.
class BackupDigest {
 public:
  BackupDigest();
  ~BackupDigest();
  void Add(std::string_view bytes);
  std::string Finish();  // 32 bytes

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// InvalidArgument unless `path` is relative, '/'-separated, without "." or
// ".." parts or empty parts.
absl::Status CheckBackupPath(std::string_view path);

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_BACKUP_ARCHIVE_H_
