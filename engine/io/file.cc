#include "engine/io/file.h"

#include <cerrno>

#include "absl/strings/str_format.h"

namespace infinitedb {

File::~File() {
  if (fd_ >= 0) file_system_->Close(fd_);
}

File::File(File&& other) noexcept
    : file_system_(other.file_system_),
      fd_(other.fd_),
      path_(std::move(other.path_)) {
  other.fd_ = -1;
}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) file_system_->Close(fd_);
    file_system_ = other.file_system_;
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

absl::StatusOr<uint64_t> File::Size() const {
  return file_system_->Size(*this);
}

absl::StatusOr<std::string> File::ReadAt(uint64_t offset, size_t size) const {
  std::string out(size, '\0');
  absl::StatusOr<size_t> read =
      file_system_->Read(*this, offset, out.data(), size);
  if (!read.ok()) return read.status();
  out.resize(*read);
  return out;
}

absl::StatusOr<std::string> File::ReadAll() const {
  absl::StatusOr<uint64_t> size = Size();
  if (!size.ok()) return size.status();
  return ReadAt(0, *size);
}

absl::Status File::WriteAt(uint64_t offset, std::string_view data) {
  return file_system_->Write(*this, offset, data);
}

absl::Status File::Truncate(uint64_t size) {
  return file_system_->Truncate(*this, size);
}

absl::Status File::DataSync() {
  return file_system_->Sync(*this, /*data_only=*/true);
}

absl::Status File::Sync() {
  return file_system_->Sync(*this, /*data_only=*/false);
}

absl::Status File::Close() {
  if (fd_ < 0) return absl::OkStatus();
  file_system_->Close(fd_);
  fd_ = -1;
  return absl::OkStatus();
}

namespace io {

absl::Status ErrnoStatus(int error_number, std::string_view what,
                         std::string_view path) {
  std::string message = absl::StrFormat("%s %s", what, path);
  // absl calls EIO "unknown"; a failing device is worth retrying later.
  if (error_number == EIO) {
    return absl::UnavailableError(
        absl::StrFormat("%s: input/output error", message));
  }
  return absl::ErrnoToStatus(error_number, message);
}

absl::Status WriteFileAtomically(FileSystem* file_system,
                                 const std::string& dir,
                                 const std::string& name,
                                 std::string_view contents) {
  const std::string path = dir + "/" + name;
  const std::string temp_path = path + ".tmp";
  absl::Status status = file_system->Remove(temp_path);  // left by a crash
  if (!status.ok()) return status;
  absl::StatusOr<File> file = file_system->Create(temp_path);
  if (!file.ok()) return file.status();
  status = file->WriteAt(0, contents);
  if (status.ok()) status = file->Sync();
  if (status.ok()) status = file->Close();
  if (status.ok()) status = file_system->Rename(temp_path, path);
  if (!status.ok()) {
    (void)file_system->Remove(temp_path);
    return status;
  }
  return file_system->SyncDirectory(dir);
}

}  // namespace io
}  // namespace infinitedb
