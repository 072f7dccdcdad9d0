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
  uring->queue_depth_ = queue_depth;
  return uring;
}

Uring::~Uring() {
  if (initialized_) io_uring_queue_exit(&ring_);
}

absl::Status Uring::SubmitAndReap(int count, uint64_t* written,
                                  const std::string& path) {
  int rc;
  do {
    rc = io_uring_submit(&ring_);
  } while (rc == -EINTR);
  if (rc < 0) return ErrnoStatus(-rc, "io_uring_submit", path);
  return Reap(count, written, path);
}

absl::Status Uring::Reap(int count, uint64_t* written,
                         const std::string& path) {
  int rc;
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

void Uring::SubmitPendingWrite() {
  PendingWrite& w = pending_;
  struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  io_uring_prep_writev(sqe, w.fd, w.remaining.data(),
                       static_cast<unsigned>(w.remaining.size()),
                       w.offset + w.done);
  io_uring_sqe_set_data64(sqe, kWriteTag);
  w.completions = 1;
  if (w.data_sync) {
    sqe->flags |= IOSQE_IO_LINK;
    sqe = io_uring_get_sqe(&ring_);
    io_uring_prep_fsync(sqe, w.fd, IORING_FSYNC_DATASYNC);
    io_uring_sqe_set_data64(sqe, kSyncTag);
    w.completions = 2;
  }
  int rc;
  do {
    rc = io_uring_submit(&ring_);
  } while (rc == -EINTR);
  if (rc < 0) w.submit_error = ErrnoStatus(-rc, "io_uring_submit", w.path);
}

absl::Status Uring::StartWrite(const File& file, std::span<const iovec> buffers,
                               uint64_t offset, bool data_sync) {
  pending_ = PendingWrite();
  pending_.fd = file.fd();
  pending_.remaining.assign(buffers.begin(), buffers.end());
  for (const iovec& v : pending_.remaining) pending_.total += v.iov_len;
  pending_.offset = offset;
  pending_.data_sync = data_sync;
  pending_.path = file.path();
  pending_.active = true;
  SubmitPendingWrite();
  return pending_.submit_error;
}

absl::Status Uring::FinishWrite() {
  PendingWrite& w = pending_;
  if (!w.active) return absl::OkStatus();
  while (true) {
    if (!w.submit_error.ok()) {
      w.active = false;
      return w.submit_error;
    }
    uint64_t written = 0;
    absl::Status status = Reap(w.completions, &written, w.path);
    if (!status.ok()) {
      w.active = false;
      return status;
    }
    w.done += written;
    if (w.done >= w.total) {
      w.active = false;
      return absl::OkStatus();
    }
    if (written == 0) {
      w.active = false;
      return absl::DataLossError(
          absl::StrFormat("write made no progress on %s at offset %d", w.path,
                          w.offset + w.done));
    }
    // Short write: drop what was written and go again (rare on local files).
    while (written > 0) {
      iovec& front = w.remaining.front();
      if (written >= front.iov_len) {
        written -= front.iov_len;
        w.remaining.erase(w.remaining.begin());
      } else {
        front.iov_base = static_cast<char*>(front.iov_base) + written;
        front.iov_len -= written;
        written = 0;
      }
    }
    SubmitPendingWrite();
  }
}

absl::Status Uring::DataSync(const File& file) {
  struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  io_uring_prep_fsync(sqe, file.fd(), IORING_FSYNC_DATASYNC);
  io_uring_sqe_set_data64(sqe, kSyncTag);
  uint64_t unused = 0;
  return SubmitAndReap(1, &unused, file.path());
}

absl::Status Uring::ReadBatch(int fd, std::span<const ReadRequest> requests,
                              const std::string& path) {
  size_t next = 0;
  size_t in_flight = 0;
  absl::Status status;
  while (next < requests.size() || in_flight > 0) {
    while (next < requests.size() && in_flight < queue_depth_) {
      struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
      if (sqe == nullptr) break;
      const ReadRequest& request = requests[next];
      io_uring_prep_read(sqe, fd, request.out,
                         static_cast<unsigned>(request.size), request.offset);
      io_uring_sqe_set_data64(sqe, next);
      ++next;
      ++in_flight;
    }
    int rc;
    do {
      rc = io_uring_submit_and_wait(&ring_, 1);
    } while (rc == -EINTR);
    if (rc < 0) return ErrnoStatus(-rc, "io_uring_submit", path);
    struct io_uring_cqe* cqe;
    unsigned head;
    unsigned reaped = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      const ReadRequest& request = requests[io_uring_cqe_get_data64(cqe)];
      int res = cqe->res;
      ++reaped;
      if (res < 0) {
        if (status.ok()) status = ErrnoStatus(-res, "read", path);
        continue;
      }
      // A short read (rare on local files): finish it synchronously.
      size_t done = static_cast<size_t>(res);
      while (done < request.size && status.ok()) {
        ssize_t n = ::pread(fd, request.out + done, request.size - done,
                            request.offset + done);
        if (n <= 0) {
          status = absl::DataLossError(
              absl::StrFormat("%s: read of %d bytes at offset %d ends early",
                              path, request.size, request.offset));
        } else {
          done += static_cast<size_t>(n);
        }
      }
    }
    io_uring_cq_advance(&ring_, reaped);
    in_flight -= reaped;
  }
  return status;
}

absl::StatusOr<Uring*> Uring::ForThisThread() {
  // Each reading thread gets its own ring: submission is not thread-safe.
  static constexpr unsigned kReadQueueDepth = 64;
  thread_local std::unique_ptr<Uring> ring;
  if (ring == nullptr) {
    absl::StatusOr<std::unique_ptr<Uring>> created = Create(kReadQueueDepth);
    if (!created.ok()) return created.status();
    ring = std::move(*created);
  }
  return ring.get();
}

}  // namespace infinitedb::io
