#include "server/backup_restore.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_format.h"
#include "server/backup_chain.h"

namespace infinitedb::server {
namespace {

namespace fs = std::filesystem;

absl::Status Errno(const std::string& what, const std::string& path) {
  return absl::InternalError(
      absl::StrFormat("%s %s: %s", what, path, std::strerror(errno)));
}

absl::Status SyncPath(const std::string& path, int flags) {
  const int fd = open(path.c_str(), flags);
  if (fd < 0) return Errno("cannot open", path);
  const bool synced = fsync(fd) == 0;
  close(fd);
  return synced ? absl::OkStatus() : Errno("cannot sync", path);
}

// Creates `dir`/`relative` (and its directories) for writing.
absl::StatusOr<int> CreateFile(const std::string& dir,
                               const std::string& relative) {
  const std::string path = dir + "/" + relative;
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Errno("cannot create", path);
  return fd;
}

// Writes the next file of the backup under `dir`: its bytes from the
// reader, or from the chain for a file in the base. False at the trailer.
absl::StatusOr<bool> RestoreNextFile(BackupArchiveReader& reader,
                                     BackupChain* chain,
                                     const std::string& dir) {
  BackupFileHeader file;
  int fd = -1;
  absl::Status created;
  absl::StatusOr<bool> more =
      reader.NextFile(&file, [&](std::string_view bytes) -> absl::Status {
        if (fd < 0) {
          absl::StatusOr<int> opened = CreateFile(dir, file.path);
          if (!opened.ok()) return opened.status();
          fd = *opened;
        }
        if (write(fd, bytes.data(), bytes.size()) !=
            static_cast<ssize_t>(bytes.size())) {
          return Errno("cannot write", dir + "/" + file.path);
        }
        return absl::OkStatus();
      });
  if (more.ok() && *more && fd < 0) {  // an empty file, or one in the base
    absl::StatusOr<int> opened = CreateFile(dir, file.path);
    if (!opened.ok()) return opened.status();
    fd = *opened;
    if (file.in_base) {
      absl::Status copied =
          chain == nullptr ? absl::FailedPreconditionError("no base backup")
                           : chain->CopyTo(file, fd);
      if (!copied.ok()) more = copied;
    }
  }
  if (fd >= 0) {
    const bool synced = fsync(fd) == 0;
    close(fd);
    if (more.ok() && !synced)
      return Errno("cannot sync", dir + "/" + file.path);
  }
  return more;
}

// FailedPrecondition unless `header` builds on the chain's newest backup
// (or is full, with no chain).
absl::Status CheckBase(const BackupHeader& header, const BackupChain* chain) {
  const std::string base = chain == nullptr ? "" : chain->digest();
  if (header.base_digest == base) return absl::OkStatus();
  if (chain == nullptr) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "--restore-base: the backup is incremental on revision %d; give its "
        "full backup and every incremental one up to it",
        header.base_revision));
  }
  return absl::FailedPreconditionError(
      header.base_digest.empty()
          ? "--restore-base: the backup is a full one; it takes no base"
          : absl::StrFormat("--restore-base: the backup builds on a backup "
                            "at revision %d, not on the last one given (at "
                            "revision %d)",
                            header.base_revision, chain->revision()));
}

// Reads the whole backup into `staging`; on return every file is durable.
absl::StatusOr<BackupHeader> RestoreInto(const std::string& backup_file,
                                         BackupChain* chain,
                                         const std::string& staging) {
  std::ifstream in(backup_file, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrFormat("--restore-from: cannot read %s: %s", backup_file,
                        std::strerror(errno)));
  }
  BackupArchiveReader reader(in);
  absl::StatusOr<BackupHeader> header = reader.ReadHeader();
  if (!header.ok()) return header.status();
  if (absl::Status s = CheckBase(*header, chain); !s.ok()) return s;
  while (true) {
    absl::StatusOr<bool> more = RestoreNextFile(reader, chain, staging);
    if (!more.ok()) return more.status();
    if (!*more) break;
  }
  for (const char* sub : {"", "/segments", "/wal"}) {
    const std::string dir = staging + sub;
    if (fs::exists(dir)) {
      if (absl::Status s = SyncPath(dir, O_RDONLY | O_DIRECTORY); !s.ok()) {
        return s;
      }
    }
  }
  return header;
}

// Moves the staged files into `data_dir` (missing or empty).
absl::Status MoveIntoPlace(const std::string& staging,
                           const std::string& data_dir) {
  std::error_code error;
  if (!fs::exists(data_dir, error)) {
    fs::rename(staging, data_dir, error);
    if (error) {
      return absl::InternalError(absl::StrFormat(
          "cannot move %s to %s: %s", staging, data_dir, error.message()));
    }
  } else {
    for (const fs::directory_entry& entry : fs::directory_iterator(staging)) {
      fs::rename(entry.path(), fs::path(data_dir) / entry.path().filename(),
                 error);
      if (error) {
        return absl::InternalError(absl::StrFormat("cannot move %s into %s: %s",
                                                   entry.path().string(),
                                                   data_dir, error.message()));
      }
    }
    fs::remove(staging, error);
    if (absl::Status s = SyncPath(data_dir, O_RDONLY | O_DIRECTORY); !s.ok()) {
      return s;
    }
  }
  const std::string parent =
      fs::absolute(fs::path(data_dir)).parent_path().string();
  return SyncPath(parent, O_RDONLY | O_DIRECTORY);
}

}  // namespace

absl::StatusOr<BackupHeader> RestoreBackup(
    const std::string& backup_file, const std::vector<std::string>& bases,
    const std::string& data_dir) {
  std::error_code error;
  if (fs::exists(data_dir, error) &&
      (!fs::is_directory(data_dir, error) || !fs::is_empty(data_dir, error))) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "--data-dir: %s is not empty; restore into a new or empty directory",
        data_dir));
  }
  fs::path target = fs::absolute(fs::path(data_dir)).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();  // "dir/"
  const std::string staging =
      (target.parent_path() / ("." + target.filename().string() +
                               ".restoring-" + std::to_string(getpid())))
          .string();
  fs::remove_all(staging, error);
  fs::create_directories(staging, error);
  if (error) {
    return absl::InternalError(
        absl::StrFormat("cannot create %s: %s", staging, error.message()));
  }
  std::unique_ptr<BackupChain> chain;
  if (!bases.empty()) {
    absl::StatusOr<std::unique_ptr<BackupChain>> opened =
        BackupChain::Open(bases);
    if (!opened.ok()) {
      fs::remove_all(staging, error);
      return opened.status();
    }
    chain = std::move(*opened);
  }
  absl::StatusOr<BackupHeader> header =
      RestoreInto(backup_file, chain.get(), staging);
  absl::Status moved =
      header.ok() ? MoveIntoPlace(staging, data_dir) : header.status();
  if (!moved.ok()) {
    fs::remove_all(staging, error);
    return moved;
  }
  return header;
}

}  // namespace infinitedb::server
