#include "server/private_file.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"

namespace infinitedb::server {

absl::Status WritePrivateFile(const std::string& path,
                              const std::string& bytes) {
  const std::string temporary = path + ".tmp";
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    return absl::InternalError("cannot create " + temporary + ": " +
                               std::strerror(errno));
  }
  bool ok = WriteAll(fd, bytes, temporary).ok() && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(temporary.c_str(), path.c_str()) != 0) {
    unlink(temporary.c_str());
    return absl::InternalError("cannot write " + path + ": " +
                               std::strerror(errno));
  }
  const std::string dir = path.substr(0, path.rfind('/'));
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    if (error == ENOENT) return absl::NotFoundError(path + ": no such file");
    return absl::FailedPreconditionError(path + ": " + std::strerror(error));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::FailedPreconditionError(path + ": cannot be read");
  }
  return contents.str();
}

absl::StatusOr<std::string> ReadFlagFile(const std::string& path,
                                         std::string_view flag) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %s", flag, text.status().message()));
  }
  return text;
}

absl::Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::InternalError("cannot write " + path + ": " +
                                 std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> OpenOrMakeKeyFile(const std::string& path,
                                              size_t bytes,
                                              std::string_view if_removed,
                                              std::string_view signs) {
  absl::StatusOr<std::string> existing = ReadWholeFile(path);
  if (existing.ok()) {
    if (existing->size() != bytes) {
      return absl::DataLossError(
          absl::StrFormat("%s: %d bytes, not %d (remove it to make a new key; "
                          "%s)",
                          path, existing->size(), bytes, if_removed));
    }
    return existing;
  }
  // Only a missing key is made anew: one that cannot be read now must not
  // be replaced.
  if (!absl::IsNotFound(existing.status())) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s; it signs %s", existing.status().message(), signs));
  }
  std::string key(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()),
                 static_cast<int>(bytes)) != 1) {
    return absl::InternalError("no random bytes for " + path);
  }
  if (absl::Status s = WritePrivateFile(path, key); !s.ok()) return s;
  return key;
}

}  // namespace infinitedb::server
