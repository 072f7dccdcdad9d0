#include "engine/io/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "engine/io/file.h"
#include "engine/io/uring.h"

namespace infinitedb {
namespace io {

absl::StatusOr<File> PosixFileSystem::Open(const std::string& path,
                                           bool writable) {
  int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  return File(this, fd, path);
}

absl::StatusOr<File> PosixFileSystem::Create(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "create", path);
  return File(this, fd, path);
}

absl::StatusOr<uint64_t> PosixFileSystem::Size(const File& file) {
  struct stat st;
  if (::fstat(file.fd(), &st) != 0) {
    return ErrnoStatus(errno, "stat", file.path());
  }
  return static_cast<uint64_t>(st.st_size);
}

absl::StatusOr<size_t> PosixFileSystem::Read(const File& file, uint64_t offset,
                                             char* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(file.fd(), out + done, size - done, offset + done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", file.path());
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

absl::Status PosixFileSystem::Write(const File& file, uint64_t offset,
                                    std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(file.fd(), data.data() + done, data.size() - done,
                         offset + done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", file.path());
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status PosixFileSystem::Truncate(const File& file, uint64_t size) {
  if (::ftruncate(file.fd(), static_cast<off_t>(size)) != 0) {
    return ErrnoStatus(errno, "truncate", file.path());
  }
  return absl::OkStatus();
}

absl::Status PosixFileSystem::Sync(const File& file, bool data_only) {
  int rc = data_only ? ::fdatasync(file.fd()) : ::fsync(file.fd());
  if (rc != 0) {
    return ErrnoStatus(errno, data_only ? "fdatasync" : "fsync", file.path());
  }
  return absl::OkStatus();
}

void PosixFileSystem::Close(int fd) { ::close(fd); }

absl::Status PosixFileSystem::ReadBatch(const File& file,
                                        std::span<const ReadRequest> requests) {
  absl::StatusOr<Uring*> ring = Uring::ForThisThread();
  if (!ring.ok()) return ring.status();
  return (*ring)->ReadBatch(file.fd(), requests, file.path());
}

absl::StatusOr<std::unique_ptr<IoRing>> PosixFileSystem::NewRing(
    unsigned queue_depth) {
  absl::StatusOr<std::unique_ptr<Uring>> ring = Uring::Create(queue_depth);
  if (!ring.ok()) return ring.status();
  return std::unique_ptr<IoRing>(std::move(*ring));
}

absl::Status PosixFileSystem::SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open directory", dir);
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus(saved, "fsync directory", dir);
  return absl::OkStatus();
}

absl::Status PosixFileSystem::CreateDirectories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return ErrnoStatus(ec.value(), "create directory", dir);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> PosixFileSystem::ListDirectory(
    const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ErrnoStatus(errno, "list directory", dir);
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status PosixFileSystem::Rename(const std::string& from,
                                     const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoStatus(errno, "rename to " + to, from);
  }
  return absl::OkStatus();
}

absl::Status PosixFileSystem::Remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "remove", path);
  }
  return absl::OkStatus();
}

bool PosixFileSystem::Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

absl::StatusOr<File> PosixFileSystem::LockDirectory(const std::string& dir) {
  std::string path = dir + "/LOCK";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  File file(this, fd, path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "data directory %s is in use by another process", dir));
    }
    return ErrnoStatus(errno, "lock", path);
  }
  return file;
}

namespace {

class SystemClockImpl : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
};

}  // namespace
}  // namespace io

FileSystem* DefaultFileSystem() {
  static io::PosixFileSystem* file_system = new io::PosixFileSystem();
  return file_system;
}

Clock* SystemClock() {
  static io::SystemClockImpl* clock = new io::SystemClockImpl();
  return clock;
}

}  // namespace infinitedb
