#include "engine/wal/wal_writer.h"

#include "engine/wal/wal_format.h"

namespace infinitedb::wal {

WalWriter::WalWriter(FileSystem* file_system, std::string wal_dir,
                     uint64_t segment_bytes_max, std::unique_ptr<IoRing> uring)
    : file_system_(file_system),
      wal_dir_(std::move(wal_dir)),
      segment_bytes_max_(segment_bytes_max),
      uring_(std::move(uring)) {}

absl::StatusOr<std::unique_ptr<WalWriter>> WalWriter::Open(
    FileSystem* file_system, const std::string& wal_dir,
    uint64_t segment_number, uint64_t offset, uint64_t segment_bytes_max) {
  absl::StatusOr<std::unique_ptr<IoRing>> uring = file_system->NewRing(8);
  if (!uring.ok()) return uring.status();
  std::unique_ptr<WalWriter> writer(new WalWriter(
      file_system, wal_dir, segment_bytes_max, std::move(*uring)));
  absl::Status status = writer->OpenSegment(segment_number, offset);
  if (!status.ok()) return status;
  return writer;
}

absl::Status WalWriter::OpenSegment(uint64_t number, uint64_t offset) {
  std::string path = wal_dir_ + "/" + SegmentFileName(number);
  absl::StatusOr<io::File> file =
      file_system_->Exists(path) ? file_system_->Open(path, /*writable=*/true)
                                 : file_system_->Create(path);
  if (!file.ok()) return file.status();
  if (offset == 0) {
    // A new file: its directory entry must survive a crash.
    absl::Status status = file_system_->SyncDirectory(wal_dir_);
    if (!status.ok()) return status;
  }
  file_ = std::move(*file);
  segment_number_ = number;
  offset_ = offset;
  return absl::OkStatus();
}

absl::Status WalWriter::RollSegment() {
  if (offset_ == 0) return absl::OkStatus();
  // The old segment must be durable before the log continues elsewhere.
  absl::Status status = Sync();
  if (!status.ok()) return status;
  return OpenSegment(segment_number_ + 1, 0);
}

absl::Status WalWriter::Append(std::span<const iovec> buffers, bool data_sync) {
  absl::Status status = StartAppend(buffers, data_sync);
  if (!status.ok()) return status;
  return FinishAppend();
}

absl::Status WalWriter::StartAppend(std::span<const iovec> buffers,
                                    bool data_sync) {
  if (offset_ >= segment_bytes_max_) {
    absl::Status status = RollSegment();
    if (!status.ok()) return status;
  }
  appending_bytes_ = 0;
  for (const iovec& buffer : buffers) appending_bytes_ += buffer.iov_len;
  appending_sync_ = data_sync;
  return uring_->StartWrite(file_, buffers, offset_, data_sync);
}

absl::Status WalWriter::FinishAppend() {
  absl::Status status = uring_->FinishWrite();
  if (!status.ok()) return status;
  offset_ += appending_bytes_;
  appending_bytes_ = 0;
  unsynced_ = !appending_sync_;
  return absl::OkStatus();
}

absl::Status WalWriter::AbandonAppend() {
  appending_bytes_ = 0;
  if (!failed_sync_.ok()) return failed_sync_;
  absl::Status status = file_.Truncate(offset_);
  if (status.ok()) status = file_.DataSync();
  return status;
}

absl::Status WalWriter::Sync() {
  if (!unsynced_) return absl::OkStatus();
  if (!failed_sync_.ok()) return failed_sync_;
  absl::Status status = uring_->DataSync(file_);
  if (status.ok()) unsynced_ = false;
  // Linux reports a writeback error once: a later fdatasync may succeed
  // although the data is gone.
  if (!status.ok()) failed_sync_ = status;
  return status;
}

}  // namespace infinitedb::wal
