#include "server/backup_restore.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_format.h"
#include "server/backup_chain.h"
#include "server/private_file.h"

namespace infinitedb::server {
namespace {

namespace fs = std::filesystem;

constexpr char kManifest[] = "MANIFEST";

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

// Whether `relative` is a file a backup may hold (backup.h): anything
// else (cursor.key, tls/, LOCK...) in a backup file is refused, whoever
// made it.
bool IsBackupFileName(const std::string& relative) {
  auto numbered = [&](std::string_view dir, std::string_view suffix) {
    if (relative.size() <= dir.size() + suffix.size() ||
        relative.compare(0, dir.size(), dir) != 0 ||
        relative.compare(relative.size() - suffix.size(), suffix.size(),
                         suffix) != 0) {
      return false;
    }
    for (size_t i = dir.size(); i < relative.size() - suffix.size(); ++i) {
      if (relative[i] < '0' || relative[i] > '9') return false;
    }
    return true;
  };
  return relative == kManifest || relative == "EDGE_IDS" ||
         numbered("segments/", ".seg") || numbered("wal/", ".log");
}

// Creates `dir`/`relative` (and its directories) for writing.
absl::StatusOr<int> CreateFile(const std::string& dir,
                               const std::string& relative) {
  if (!IsBackupFileName(relative)) {
    return absl::DataLossError(absl::StrFormat(
        "the backup holds '%s', which is not a file of a data directory "
        "backup (MANIFEST, EDGE_IDS, segments/N.seg, wal/N.log)",
        relative));
  }
  const std::string path = dir + "/" + relative;
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0 && errno == EEXIST) {
    return absl::DataLossError(
        absl::StrFormat("the backup holds %s twice", relative));
  }
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
        return WriteAll(fd, bytes, dir + "/" + file.path);
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

// Empty but for lost+found (a freshly made file system's root) and what a
// restore that was killed left (removed).
bool IsEmptyDirectory(const std::string& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) return false;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".restoring-", 0) == 0) {
      fs::remove_all(entry.path(), error);  // what a killed restore left
      continue;
    }
    if (name != "lost+found") return false;
  }
  return !error;
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
    // The MANIFEST last: a directory without it opens as a new database,
    // never as part of the backup (a crash midway leaves an empty one).
    std::vector<fs::path> entries;
    for (const fs::directory_entry& entry : fs::directory_iterator(staging)) {
      if (entry.path().filename() != kManifest) entries.push_back(entry.path());
    }
    entries.push_back(fs::path(staging) / kManifest);
    for (const fs::path& entry : entries) {
      if (entry == entries.back()) {  // the others are in place first
        if (absl::Status s = SyncPath(data_dir, O_RDONLY | O_DIRECTORY);
            !s.ok()) {
          return s;
        }
      }
      fs::rename(entry, fs::path(data_dir) / entry.filename(), error);
      if (error) {
        return absl::InternalError(absl::StrFormat("cannot move %s into %s: %s",
                                                   entry.string(), data_dir,
                                                   error.message()));
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
  const bool exists = fs::exists(data_dir, error);
  if (exists && !IsEmptyDirectory(data_dir)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "--data-dir: %s is not empty; restore into a new or empty directory",
        data_dir));
  }
  fs::path target = fs::absolute(fs::path(data_dir)).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();  // "dir/"
  // Staged inside an existing directory (it may be a volume of its own,
  // where a rename from outside would cross devices), else beside it.
  const std::string staging_name = ".restoring-" + std::to_string(getpid());
  const std::string staging =
      (exists ? target / staging_name
              : target.parent_path() /
                    ("." + target.filename().string() + staging_name))
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
