#include "engine/io/uring.h"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/str_format.h"
#include "engine/io/file.h"

namespace infinitedb::io {
namespace {

constexpr uint64_t kWriteTag = 1;
constexpr uint64_t kSyncTag = 2;

}  // namespace

absl::StatusOr<std::unique_ptr<Uring>> Uring::Create(unsigned queue_depth) {
  std::unique_ptr<Uring> uring(new Uring());
  int rc = io_uring_queue_init(queue_depth, &uring->ring_, 0);
  if (rc < 0) return ErrnoStatus(-rc, "io_uring_queue_init", "");
  uring->initialized_ = true;
  return uring;
}

Uring::~Uring() {
  if (initialized_) io_uring_queue_exit(&ring_);
}

absl::Status Uring::SubmitAndReap(int count, uint64_t* written,
                                  const std::string& path) {
  int rc;
  do {
    rc = io_uring_submit_and_wait(&ring_, count);
  } while (rc == -EINTR);
  if (rc < 0) return ErrnoStatus(-rc, "io_uring_submit", path);
  absl::Status status;
  for (int i = 0; i < count; ++i) {
    struct io_uring_cqe* cqe;
    do {
      rc = io_uring_wait_cqe(&ring_, &cqe);
    } while (rc == -EINTR);
    if (rc < 0) return ErrnoStatus(-rc, "io_uring_wait_cqe", path);
    uint64_t tag = io_uring_cqe_get_data64(cqe);
    int res = cqe->res;
    io_uring_cqe_seen(&ring_, cqe);
    // A short write cancels the linked fdatasync; the caller retries.
    if (res == -ECANCELED) continue;
    if (res < 0 && status.ok()) {
      status = ErrnoStatus(-res, tag == kSyncTag ? "fdatasync" : "write", path);
    }
    if (tag == kWriteTag && res >= 0) *written = static_cast<uint64_t>(res);
  }
  return status;
}

absl::Status Uring::WriteAt(int fd, std::span<const iovec> buffers,
                            uint64_t offset, bool data_sync,
                            const std::string& path) {
  std::vector<iovec> remaining(buffers.begin(), buffers.end());
  uint64_t total = 0;
  for (const iovec& v : remaining) total += v.iov_len;
  uint64_t done = 0;
  while (true) {
    struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    io_uring_prep_writev(sqe, fd, remaining.data(),
                         static_cast<unsigned>(remaining.size()),
                         offset + done);
    io_uring_sqe_set_data64(sqe, kWriteTag);
    int count = 1;
    if (data_sync) {
      sqe->flags |= IOSQE_IO_LINK;
      sqe = io_uring_get_sqe(&ring_);
      io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
      io_uring_sqe_set_data64(sqe, kSyncTag);
      count = 2;
    }
    uint64_t written = 0;
    absl::Status status = SubmitAndReap(count, &written, path);
    if (!status.ok()) return status;
    done += written;
    if (done >= total) return absl::OkStatus();
    if (written == 0) {
      return absl::DataLossError(absl::StrFormat(
          "write made no progress on %s at offset %d", path, offset + done));
    }
    // Short write: drop what was written and go again (rare on local files).
    while (written > 0) {
      if (written >= remaining.front().iov_len) {
        written -= remaining.front().iov_len;
        remaining.erase(remaining.begin());
      } else {
        remaining.front().iov_base =
            static_cast<char*>(remaining.front().iov_base) + written;
        remaining.front().iov_len -= written;
        written = 0;
      }
    }
  }
}

absl::Status Uring::DataSync(int fd, const std::string& path) {
  struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
  io_uring_sqe_set_data64(sqe, kSyncTag);
  uint64_t unused = 0;
  return SubmitAndReap(1, &unused, path);
}

}  // namespace infinitedb::io
