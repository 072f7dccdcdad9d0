// The local file system: POSIX calls for files and directories, io_uring
// for the WAL's and segments' writes and for batched block reads (each
// reading thread has a ring of its own). Stateless and thread-safe; the
// engine's default (DefaultFileSystem() in engine/public/env.h).
#ifndef INFINITEDB_ENGINE_IO_POSIX_FILE_SYSTEM_H_
#define INFINITEDB_ENGINE_IO_POSIX_FILE_SYSTEM_H_

#include "engine/public/env.h"

namespace infinitedb::io {

class PosixFileSystem : public FileSystem {
 public:
  absl::StatusOr<File> Open(const std::string& path, bool writable) override;
  absl::StatusOr<File> Create(const std::string& path) override;
  absl::StatusOr<uint64_t> Size(const File& file) override;
  absl::StatusOr<size_t> Read(const File& file, uint64_t offset, char* out,
                              size_t size) override;
  absl::Status Write(const File& file, uint64_t offset,
                     std::string_view data) override;
  absl::Status Truncate(const File& file, uint64_t size) override;
  absl::Status Sync(const File& file, bool data_only) override;
  void Close(int fd) override;
  absl::Status ReadBatch(const File& file,
                         std::span<const ReadRequest> requests) override;
  absl::StatusOr<std::unique_ptr<IoRing>> NewRing(
      unsigned queue_depth) override;
  absl::Status SyncDirectory(const std::string& dir) override;
  absl::Status CreateDirectories(const std::string& dir) override;
  absl::StatusOr<std::vector<std::string>> ListDirectory(
      const std::string& dir) override;
  absl::Status Rename(const std::string& from, const std::string& to) override;
  absl::Status Remove(const std::string& path) override;
  bool Exists(const std::string& path) override;
  absl::StatusOr<File> LockDirectory(const std::string& dir) override;
};

}  // namespace infinitedb::io

#endif  // INFINITEDB_ENGINE_IO_POSIX_FILE_SYSTEM_H_
