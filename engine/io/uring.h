// RAII wrapper over one io_uring instance (liburing): the local file
// system's IoRing (engine/public/env.h). The WAL writer owns one to write a
// group of frames and fdatasync them with a single submission (write linked
// to fdatasync). Not thread-safe: one user at a time. The WAL's
// ring is used by different threads in turn (the commit thread, or a lone
// committer), which the ring's flags (none) allow; IORING_SETUP_SINGLE_ISSUER
// or DEFER_TASKRUN would not.
#ifndef INFINITEDB_ENGINE_IO_URING_H_
#define INFINITEDB_ENGINE_IO_URING_H_

#include <liburing.h>
#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/public/env.h"

namespace infinitedb::io {

class Uring : public IoRing {
 public:
  // `queue_depth` bounds the submissions in flight at once.
  static absl::StatusOr<std::unique_ptr<Uring>> Create(unsigned queue_depth);
  ~Uring() override;
  Uring(const Uring&) = delete;
  Uring& operator=(const Uring&) = delete;

  // IoRing: the write is submitted with an fdatasync linked behind it in
  // the same submission, so it completes only once the bytes are durable.
  absl::Status StartWrite(const File& file, std::span<const iovec> buffers,
                          uint64_t offset, bool data_sync) override;
  absl::Status FinishWrite() override;
  absl::Status DataSync(const File& file) override;

  // Reads every request from `fd`, keeping up to the queue depth in flight
  // at once. A read that ends early (end of file) is DataLoss naming `path`.
  absl::Status ReadBatch(int fd, std::span<const ReadRequest> requests,
                         const std::string& path);

  // This thread's ring for batched reads, created on first use.
  static absl::StatusOr<Uring*> ForThisThread();

 private:
  Uring() = default;
  // Submits what is queued and reaps `count` completions; returns the first
  // failure (a negative result) or, for the write, the byte count in
  // `*written`.
  absl::Status SubmitAndReap(int count, uint64_t* written,
                             const std::string& path);
  absl::Status Reap(int count, uint64_t* written, const std::string& path);
  void SubmitPendingWrite();

  // The write between StartWrite and FinishWrite.
  struct PendingWrite {
    bool active = false;
    int fd = -1;
    std::vector<iovec> remaining;
    uint64_t offset = 0;
    uint64_t total = 0;
    uint64_t done = 0;
    bool data_sync = false;
    std::string path;
    int completions = 0;
    absl::Status submit_error;
  };
  PendingWrite pending_;

  unsigned queue_depth_ = 0;
  struct io_uring ring_;
  bool initialized_ = false;
};

}  // namespace infinitedb::io

#endif  // INFINITEDB_ENGINE_IO_URING_H_
