// Group commit: writer threads queue their commits; one commit thread takes
// everything queued (up to a byte bound), stamps each commit with the next
// revision and HLC in queue order, writes all their frames with one io_uring
// write linked to one fdatasync, applies them in order, publishes the new
// visible revision, and only then wakes every waiter. While one group is on
// its way to disk, the next one gathers, so many concurrent writers share
// each fdatasync.
//
// A commit from a lone committer (no other Commit() call in progress,
// nothing being written, sync durability) is written the same way on its
// caller's thread instead: the callbacks run on one thread at a time,
// whichever.
//
// In async durability the write is not synced; the thread fdatasyncs once the
// oldest unsynced write is `async_sync_interval_ms` old.
//
// A failed write or fdatasync (a full disk, an I/O error) fails its group and
// nothing of it becomes visible: the group was only staged in memory
// (`apply`), and whatever part of it reached the log is cut off again
// (WalWriter::AbandonAppend), so later commits go on once space is free. If
// the log cannot be cut back, or an fdatasync of acknowledged async commits
// fails, the log's state is unknown: that error is sticky, every later
// commit fails with it, and the engine must be reopened.
#ifndef INFINITEDB_ENGINE_WAL_GROUP_COMMIT_H_
#define INFINITEDB_ENGINE_WAL_GROUP_COMMIT_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "engine/public/options.h"
#include "engine/public/types.h"
#include "engine/wal/wal_format.h"
#include "engine/wal/wal_writer.h"
#include "spdlog/logger.h"

namespace infinitedb::wal {

// One commit on its way through the queue. The caller fills the first block
// of fields and keeps the object alive until Commit() returns; the commit
// thread fills `stamp` before calling `apply`.
struct PendingCommit {
  FrameType frame_type = kCommit;
  uint32_t branch_id = 0;
  uint32_t op_count = 0;
  std::string ops_bytes;  // op_count operations encoded by wal::AppendOp
  // An exclusive commit is written in a group of its own, after every
  // earlier commit is applied, and Prepare() fills its operations on the
  // writing thread once it is stamped (a decision that must see all
  // earlier commits and no later one, such as last-writer-wins).
  bool exclusive = false;

  CommitStamp stamp;
  absl::Status status;
  absl::Notification done;

  virtual ~PendingCommit() = default;
  // Exclusive commits: fills op_count and ops_bytes; an error fails this
  // commit alone (its revision is then reused).
  virtual absl::Status Prepare() { return absl::OkStatus(); }
};

class GroupCommitter {
 public:
  struct Callbacks {
    // Next revision and HLC; called in queue order, by the thread writing
    // the group (the commit thread, or a lone caller; never two at once).
    std::function<CommitStamp()> next_stamp;
    // Stages a group's commits in memory, in revision order, while their
    // write may still be in flight; nothing staged is visible before
    // `publish`.
    std::function<void(std::span<PendingCommit* const>)> apply;
    // Called after a group is written, with its highest revision: makes
    // what was staged visible.
    std::function<void(Revision)> publish;
    // Called when a group fails (its write, or an exclusive commit's
    // `prepare`), with the revision before its first: drops what was staged
    // and reuses the group's revisions.
    std::function<void(Revision)> abandon;
    // Called after a group is written, with the WAL segment it went to and
    // its highest revision.
    std::function<void(uint64_t segment, Revision)> written;
  };

  // `clock` times async syncs; both must outlive the committer.
  GroupCommitter(Durability durability, uint32_t async_sync_interval_ms,
                 size_t max_group_bytes, std::unique_ptr<WalWriter> writer,
                 Callbacks callbacks, Clock* clock, spdlog::logger* logger);
  // Drains the queue, syncs the log and stops the thread.
  ~GroupCommitter();

  // Queues `commit` and blocks until it is acknowledged (durable in kSync,
  // written in kAsync, and visible to reads) or has failed.
  absl::StatusOr<CommitStamp> Commit(PendingCommit* commit);

  // Makes every acknowledged commit durable (used on close and in kAsync).
  absl::Status SyncNow();

  // Starts a new WAL segment (so that the current one can be released once
  // sealed); returns the new segment's number.
  absl::StatusOr<uint64_t> RollSegment();

  // Runs `task` on the commit thread between two groups (so no commit is
  // half applied while it runs) and returns when it has run.
  void RunBetweenGroups(std::function<void()> task);

  struct Stats {
    uint64_t groups = 0;   // WAL writes (each with its fdatasync in kSync)
    uint64_t commits = 0;  // commits acknowledged
    uint64_t bytes = 0;    // WAL bytes written
  };
  Stats stats() const;

 private:
  struct Task {
    std::function<void()> run;
    absl::Notification done;
  };

  void Run();
  // Takes the next group off the queue (and the pending tasks); both empty
  // when stopping.
  std::vector<PendingCommit*> TakeGroup(std::vector<Task*>* tasks);
  void WriteGroup(const std::vector<PendingCommit*>& group);
  void FailGroup(const std::vector<PendingCommit*>& group,
                 const absl::Status& status);
  // Makes every later commit fail with `cause` and `why` (the log's state is
  // unknown until the engine is reopened); returns that error.
  absl::Status StopWrites(const absl::Status& cause, std::string_view why);
  // Fails the group whose write failed with `status`, cutting the log back.
  void FailWrite(const std::vector<PendingCommit*>& group,
                 const absl::Status& status);

  // Constant after construction.
  const Durability durability_;
  const absl::Duration async_sync_interval_;
  const size_t max_group_bytes_;
  const Callbacks callbacks_;
  Clock* const clock_;
  spdlog::logger* const logger_;

  // Owned by the commit thread (and by SyncNow under sync_mu_).
  absl::Mutex sync_mu_;
  std::unique_ptr<WalWriter> writer_ ABSL_GUARDED_BY(sync_mu_);
  std::string group_buffer_;
  absl::Time oldest_unsynced_ = absl::InfiniteFuture();

  absl::Mutex mu_;
  std::deque<PendingCommit*> queue_ ABSL_GUARDED_BY(mu_);
  std::deque<Task*> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // A group (or a task) is being written or run, by the commit thread or by
  // a caller that found everything idle: the callbacks, the writer and the
  // group buffer belong to whoever set it.
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  // Commit() calls in progress.
  std::atomic<int> callers_{0};
  absl::Status sticky_error_ ABSL_GUARDED_BY(mu_);

  mutable absl::Mutex stats_mu_;
  Stats stats_ ABSL_GUARDED_BY(stats_mu_);

  std::thread thread_;
};

}  // namespace infinitedb::wal

#endif  // INFINITEDB_ENGINE_WAL_GROUP_COMMIT_H_
