// The engine's environment: every file operation, the wall clock and the
// logger come in through an Env (EngineOptions::env), never from a global,
// so that tests can inject faults (engine/io/fault_injection_file_system.h:
// EIO, ENOSPC, short writes, power cuts) and a fixed clock.
//
// FileSystem is the file layer: open, read, write, truncate, fdatasync,
// rename, unlink, directory fsync, and io_uring submissions (IoRing). A File
// is an open file of one FileSystem, and every operation on it goes through
// that FileSystem. Implementations must be thread-safe; one IoRing is used by
// one thread at a time.
#ifndef INFINITEDB_ENGINE_PUBLIC_ENV_H_
#define INFINITEDB_ENGINE_PUBLIC_ENV_H_

#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace spdlog {
class logger;
}

namespace infinitedb {

class FileSystem;

// An open file, closed on destruction. Movable, not copyable. Errors name
// the path; ENOSPC is ResourceExhausted.
class File {
 public:
  File() = default;
  File(FileSystem* file_system, int fd, std::string path)
      : file_system_(file_system), fd_(fd), path_(std::move(path)) {}
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool is_open() const { return fd_ >= 0; }
  FileSystem* file_system() const { return file_system_; }
  // Gives up ownership of the descriptor (for a FileSystem that wraps
  // another one): the file is no longer closed by this object.
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

  absl::StatusOr<uint64_t> Size() const;
  // Reads exactly `size` bytes at `offset` (fewer only at end of file).
  absl::StatusOr<std::string> ReadAt(uint64_t offset, size_t size) const;
  absl::StatusOr<std::string> ReadAll() const;
  // Writes all of `data` at `offset` (small files such as the manifest; the
  // WAL and segments write through an IoRing).
  absl::Status WriteAt(uint64_t offset, std::string_view data);
  absl::Status Truncate(uint64_t size);
  absl::Status DataSync();
  absl::Status Sync();
  absl::Status Close();

 private:
  FileSystem* file_system_ = nullptr;
  int fd_ = -1;
  std::string path_;
};

// Batched writes on io_uring: a write of several buffers, optionally linked
// to an fdatasync, submitted at once and completed later.
class IoRing {
 public:
  virtual ~IoRing() = default;
  // Submits the write of `buffers` back to back at `offset` of `file` (and,
  // with `data_sync`, an fdatasync linked behind it). The buffers must stay
  // alive until FinishWrite returns; one write at a time.
  virtual absl::Status StartWrite(const File& file,
                                  std::span<const iovec> buffers,
                                  uint64_t offset, bool data_sync) = 0;
  // Waits for the write started last (completing a short write).
  virtual absl::Status FinishWrite() = 0;
  // fdatasync through the ring.
  virtual absl::Status DataSync(const File& file) = 0;

  absl::Status WriteAt(const File& file, std::span<const iovec> buffers,
                       uint64_t offset, bool data_sync) {
    absl::Status status = StartWrite(file, buffers, offset, data_sync);
    if (!status.ok()) return status;
    return FinishWrite();
  }
};

// One read of a batch: `size` bytes at `offset` into `out`.
struct ReadRequest {
  uint64_t offset = 0;
  size_t size = 0;
  char* out = nullptr;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Opens an existing file for reading (and writing when `writable`);
  // NotFound when it does not exist.
  virtual absl::StatusOr<File> Open(const std::string& path, bool writable) = 0;
  // Creates a new file for writing; AlreadyExists if it exists.
  virtual absl::StatusOr<File> Create(const std::string& path) = 0;

  // The operations behind File's methods.
  virtual absl::StatusOr<uint64_t> Size(const File& file) = 0;
  // Reads up to `size` bytes; fewer only at end of file.
  virtual absl::StatusOr<size_t> Read(const File& file, uint64_t offset,
                                      char* out, size_t size) = 0;
  virtual absl::Status Write(const File& file, uint64_t offset,
                             std::string_view data) = 0;
  virtual absl::Status Truncate(const File& file, uint64_t size) = 0;
  // fdatasync (`data_only`) or fsync.
  virtual absl::Status Sync(const File& file, bool data_only) = 0;
  virtual void Close(int fd) = 0;

  // Reads every request from `file` with batched io_uring reads. A read
  // that ends early (end of file) is DataLoss naming the file.
  virtual absl::Status ReadBatch(const File& file,
                                 std::span<const ReadRequest> requests) = 0;
  // A ring for writes, used by one thread at a time.
  virtual absl::StatusOr<std::unique_ptr<IoRing>> NewRing(
      unsigned queue_depth) = 0;

  // Makes a rename, creation or removal inside `dir` durable.
  virtual absl::Status SyncDirectory(const std::string& dir) = 0;
  // Creates `dir` (and parents) if missing.
  virtual absl::Status CreateDirectories(const std::string& dir) = 0;
  // Names (not paths) of the entries of `dir`, sorted.
  virtual absl::StatusOr<std::vector<std::string>> ListDirectory(
      const std::string& dir) = 0;
  virtual absl::Status Rename(const std::string& from,
                              const std::string& to) = 0;
  // Removes `path`; a missing file is not an error.
  virtual absl::Status Remove(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Takes an exclusive lock on `dir`/LOCK, held while the returned file is
  // open; FailedPrecondition if another process holds it.
  virtual absl::StatusOr<File> LockDirectory(const std::string& dir) = 0;
};

// The wall clock behind the HLC and every timer of the engine.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
};

struct Env {
  // Not owned: each must outlive every engine that uses it. Null means the
  // default (the local file system with io_uring, the system clock).
  FileSystem* file_system = nullptr;
  Clock* clock = nullptr;
  // Null means a logger of the engine's own, named "infinitedb", writing to
  // stderr at info level (the server passes its own).
  std::shared_ptr<spdlog::logger> logger;
};

// The local file system (POSIX calls and io_uring) and the system clock:
// process-wide, stateless instances.
FileSystem* DefaultFileSystem();
Clock* SystemClock();

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_ENV_H_
