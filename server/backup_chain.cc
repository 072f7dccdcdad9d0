#include "server/backup_chain.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "server/private_file.h"

namespace infinitedb::server {
namespace {

constexpr size_t kCopyPiece = 1 << 20;

absl::Status InFile(const std::string& name, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrFormat("%s: %s", name, status.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<BackupChain>> BackupChain::Open(
    const std::vector<std::string>& files) {
  auto chain = std::unique_ptr<BackupChain>(new BackupChain());
  for (size_t i = 0; i < files.size(); ++i) {
    if (absl::Status s = chain->Index(i, files[i]); !s.ok()) return s;
  }
  return chain;
}

absl::Status BackupChain::Index(size_t backup, const std::string& name) {
  auto in = std::make_unique<std::ifstream>(name, std::ios::binary);
  if (!*in) {
    return absl::NotFoundError(absl::StrFormat(
        "--restore-base: cannot read %s: %s", name, std::strerror(errno)));
  }
  BackupArchiveReader reader(*in);
  absl::StatusOr<BackupHeader> header = reader.ReadHeader();
  if (!header.ok()) return InFile(name, header.status());
  if (header->base_digest != digest_) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "--restore-base: %s does not build on %s (give the full backup "
        "first, then each incremental one in the order they were taken)",
        name, backup == 0 ? "nothing (it is incremental)" : names_.back()));
  }
  BackupFileHeader file;
  while (true) {
    absl::StatusOr<bool> more = reader.NextFile(
        &file, [](std::string_view) { return absl::OkStatus(); });
    if (!more.ok()) return InFile(name, more.status());
    if (!*more) break;
    if (file.in_base) {
      auto found = files_.find(file.path);
      if (found == files_.end() || found->second.sha256 != file.sha256) {
        return absl::DataLossError(absl::StrFormat(
            "%s: %s is marked as in its base, which does not hold it", name,
            file.path));
      }
      continue;  // the older location stays
    }
    files_[file.path] = {backup, file.data_offset, file.size, file.sha256};
  }
  names_.push_back(name);
  in->clear();
  streams_.push_back(std::move(in));
  digest_ = reader.digest();
  revision_ = header->revision;
  return absl::OkStatus();
}

absl::Status BackupChain::CopyTo(const BackupFileHeader& file, int fd) {
  auto found = files_.find(file.path);
  if (found == files_.end() || found->second.sha256 != file.sha256 ||
      found->second.size != file.size) {
    return absl::DataLossError(absl::StrFormat(
        "%s is marked as in the base, which does not hold it (--restore-base)",
        file.path));
  }
  const Location& at = found->second;
  std::ifstream& in = *streams_[at.backup];
  in.seekg(static_cast<std::streamoff>(at.offset));
  std::string piece;
  BackupDigest digest;
  for (uint64_t left = at.size; left > 0;) {
    piece.resize(static_cast<size_t>(std::min<uint64_t>(left, kCopyPiece)));
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    if (static_cast<size_t>(in.gcount()) != piece.size()) {
      return absl::DataLossError(
          absl::StrFormat("%s: ends inside %s", names_[at.backup], file.path));
    }
    if (absl::Status s = WriteAll(fd, piece, file.path); !s.ok()) return s;
    digest.Add(piece);
    left -= piece.size();
  }
  if (digest.Finish() != file.sha256) {
    return absl::DataLossError(absl::StrFormat(
        "%s: %s changed since it was checked", names_[at.backup], file.path));
  }
  return absl::OkStatus();
}

}  // namespace infinitedb::server
