// Thin RAII layer over POSIX files and directories: the engine's only way to
// open, read, size, truncate, rename and fsync files. Every failure becomes an
// absl::Status naming the path (ENOSPC maps to ResourceExhausted).
#ifndef INFINITEDB_ENGINE_IO_FILE_H_
#define INFINITEDB_ENGINE_IO_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace infinitedb::io {

// An open file descriptor, closed on destruction. Movable, not copyable.
class File {
 public:
  File() = default;
  File(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // Opens an existing file for reading (and writing when `writable`).
  static absl::StatusOr<File> Open(const std::string& path, bool writable);
  // Creates a new file for writing; fails if it exists.
  static absl::StatusOr<File> Create(const std::string& path);

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool is_open() const { return fd_ >= 0; }

  absl::StatusOr<uint64_t> Size() const;
  // Reads exactly `size` bytes at `offset` (fewer only at end of file).
  absl::StatusOr<std::string> ReadAt(uint64_t offset, size_t size) const;
  absl::StatusOr<std::string> ReadAll() const;
  // Writes all of `data` at `offset` with pwrite (used for small files such
  // as the manifest; the WAL writes through io_uring).
  absl::Status WriteAt(uint64_t offset, std::string_view data);
  absl::Status Truncate(uint64_t size);
  absl::Status DataSync();
  absl::Status Sync();
  absl::Status Close();

 private:
  int fd_ = -1;
  std::string path_;
};

// Replaces `dir`/`name` with `contents` so that a crash at any moment leaves
// the old file or the new one whole: writes `name`.tmp, fsyncs it, renames it
// over `name` and fsyncs `dir`. On failure the temporary file is removed and
// the old file is untouched.
absl::Status WriteFileAtomically(const std::string& dir,
                                 const std::string& name,
                                 std::string_view contents);
// Makes a rename or file creation inside `dir` durable.
absl::Status SyncDirectory(const std::string& dir);
// Creates `dir` (and parents) if missing.
absl::Status CreateDirectories(const std::string& dir);
// Names (not paths) of the entries of `dir`, sorted.
absl::StatusOr<std::vector<std::string>> ListDirectory(const std::string& dir);
absl::Status RenameFile(const std::string& from, const std::string& to);
absl::Status RemoveFile(const std::string& path);
bool FileExists(const std::string& path);
// Takes an exclusive lock on `dir`/LOCK, held while the returned file is
// open; FailedPrecondition if another process holds it.
absl::StatusOr<File> LockDirectory(const std::string& dir);
absl::Status ErrnoStatus(int error_number, std::string_view what,
                         std::string_view path);

}  // namespace infinitedb::io

#endif  // INFINITEDB_ENGINE_IO_FILE_H_
