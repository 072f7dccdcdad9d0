#include "engine/wal/group_commit.h"

#include "absl/strings/str_cat.h"
#include "engine/wal/wal_format.h"

namespace infinitedb::wal {
namespace {

constexpr char kAsyncCommitsLost[] =
    "acknowledged async commits may not be durable";

}  // namespace

GroupCommitter::GroupCommitter(Durability durability,
                               uint32_t async_sync_interval_ms,
                               size_t max_group_bytes,
                               std::unique_ptr<WalWriter> writer,
                               Callbacks callbacks, Clock* clock,
                               spdlog::logger* logger)
    : durability_(durability),
      async_sync_interval_(absl::Milliseconds(async_sync_interval_ms)),
      max_group_bytes_(max_group_bytes),
      callbacks_(std::move(callbacks)),
      clock_(clock),
      logger_(logger),
      writer_(std::move(writer)) {
  thread_ = std::thread([this] { Run(); });
}

GroupCommitter::~GroupCommitter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
  // A caller woken by the last group may still be returning from Commit().
  while (callers_.load() != 0) std::this_thread::yield();
  absl::Status status = SyncNow();
  if (!status.ok())
    logger_->error("WAL sync on close failed: {}", status.ToString());
}

absl::StatusOr<CommitStamp> GroupCommitter::Commit(PendingCommit* commit) {
  // Counts this call until it returns (a hint, read without ordering).
  struct Caller {
    explicit Caller(std::atomic<int>* count) : count(count) { ++*count; }
    ~Caller() { --*count; }
    std::atomic<int>* count;
  } caller(&callers_);
  bool lead = false;
  {
    absl::MutexLock lock(&mu_);
    if (!sticky_error_.ok()) return sticky_error_;
    if (stopping_) return absl::UnavailableError("the engine is closing");
    // A lone committer, with nothing being written: write this commit on
    // the caller's thread, saving the two thread hand-offs (to the commit
    // thread and back) that would otherwise add to its latency. With other
    // committers about, the commit thread gathers them into one group
    // instead (a lone write would cost them an fdatasync). Async durability
    // keeps its sync timer on the commit thread, and an exclusive commit
    // always goes there.
    lead = durability_ == Durability::kSync && callers_.load() == 1 &&
           !writing_ && queue_.empty() && tasks_.empty() && !commit->exclusive;
    if (lead) {
      writing_ = true;
    } else {
      queue_.push_back(commit);
    }
  }
  if (lead) {
    WriteGroup({commit});
    absl::MutexLock lock(&mu_);
    writing_ = false;
  }
  commit->done.WaitForNotification();
  if (!commit->status.ok()) return commit->status;
  return commit->stamp;
}

absl::Status GroupCommitter::SyncNow() {
  absl::MutexLock lock(&sync_mu_);
  return writer_->Sync();
}

GroupCommitter::Stats GroupCommitter::stats() const {
  absl::MutexLock lock(&stats_mu_);
  return stats_;
}

absl::StatusOr<uint64_t> GroupCommitter::RollSegment() {
  absl::StatusOr<uint64_t> result;
  RunBetweenGroups([this, &result] {
    {
      absl::MutexLock lock(&mu_);
      // The current segment's tail is unknown: it must stay the newest.
      if (!sticky_error_.ok()) {
        result = sticky_error_;
        return;
      }
    }
    absl::Status status;
    {
      absl::MutexLock lock(&sync_mu_);
      status = writer_->RollSegment();
      if (status.ok()) result = writer_->segment_number();
    }
    if (status.ok()) return;
    result = status;
    // The roll syncs the old segment: a failure there, as of the sync
    // timer, means acknowledged async commits may be lost.
    bool sync_failed;
    {
      absl::MutexLock lock(&sync_mu_);
      sync_failed = !writer_->failed_sync().ok();
    }
    if (sync_failed) StopWrites(status, kAsyncCommitsLost);
  });
  return result;
}

void GroupCommitter::RunBetweenGroups(std::function<void()> task) {
  Task pending{std::move(task), {}};
  bool stopping;
  {
    absl::MutexLock lock(&mu_);
    stopping = stopping_;
    if (stopping) {
      // The commit thread is finishing and no new commit starts; wait for
      // one a caller may still be writing, then run the task here.
      auto idle = [this]()
                      ABSL_SHARED_LOCKS_REQUIRED(mu_) { return !writing_; };
      mu_.Await(absl::Condition(&idle));
      writing_ = true;
    } else {
      tasks_.push_back(&pending);
    }
  }
  if (stopping) {
    pending.run();
    absl::MutexLock lock(&mu_);
    writing_ = false;
    return;
  }
  pending.done.WaitForNotification();
}

std::vector<PendingCommit*> GroupCommitter::TakeGroup(
    std::vector<Task*>* tasks) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return !writing_ && (!queue_.empty() || !tasks_.empty() || stopping_);
  };
  if (oldest_unsynced_ == absl::InfiniteFuture()) {
    mu_.Await(absl::Condition(&ready));
  } else {
    mu_.AwaitWithDeadline(absl::Condition(&ready),
                          oldest_unsynced_ + async_sync_interval_);
  }
  std::vector<PendingCommit*> group;
  size_t bytes = 0;
  while (!queue_.empty() && (group.empty() || bytes < max_group_bytes_)) {
    PendingCommit* next = queue_.front();
    if (next->exclusive && !group.empty()) break;
    bytes += next->ops_bytes.size();
    group.push_back(next);
    queue_.pop_front();
    if (next->exclusive) break;
  }
  tasks->assign(tasks_.begin(), tasks_.end());
  tasks_.clear();
  // Until Run() is done with them, no caller writes a group of its own.
  writing_ = !group.empty() || !tasks->empty();
  return group;
}

void GroupCommitter::Run() {
  while (true) {
    std::vector<Task*> tasks;
    std::vector<PendingCommit*> group = TakeGroup(&tasks);
    for (Task* task : tasks) {
      task->run();
      task->done.Notify();
    }
    if (group.empty() && tasks.empty()) {
      bool stopping;
      {
        absl::MutexLock lock(&mu_);
        stopping = stopping_;
      }
      if (stopping) return;
    }
    if (!group.empty()) WriteGroup(group);
    if (!group.empty() || !tasks.empty()) {
      absl::MutexLock lock(&mu_);
      writing_ = false;
    }
    if (durability_ == Durability::kAsync &&
        oldest_unsynced_ != absl::InfiniteFuture() &&
        clock_->Now() >= oldest_unsynced_ + async_sync_interval_) {
      absl::Status status = SyncNow();
      if (!status.ok()) StopWrites(status, kAsyncCommitsLost);
      oldest_unsynced_ = absl::InfiniteFuture();
    }
  }
}

void GroupCommitter::FailWrite(const std::vector<PendingCommit*>& group,
                               const absl::Status& status) {
  absl::Status restored;
  {
    absl::MutexLock lock(&sync_mu_);
    restored = writer_->AbandonAppend();
  }
  if (restored.ok()) {
    logger_->error(
        "WAL write failed; {} commit(s) refused, nothing of them was kept: {}",
        group.size(), status.ToString());
    return FailGroup(
        group,
        absl::Status(status.code(),
                     absl::StrCat(status.message(), " (nothing was written)")));
  }
  FailGroup(group,
            StopWrites(status,
                       absl::StrCat("the WAL could not be cut back to its last "
                                    "complete commit (",
                                    restored.message(), ")")));
}

absl::Status GroupCommitter::StopWrites(const absl::Status& cause,
                                        std::string_view why) {
  absl::Status sticky(
      cause.code(),
      absl::StrCat(cause.message(), "; ", std::string(why),
                   ", so every write is refused until the database is "
                   "reopened"));
  logger_->error("{}", sticky.ToString());
  absl::MutexLock lock(&mu_);
  sticky_error_ = sticky;
  return sticky;
}

void GroupCommitter::FailGroup(const std::vector<PendingCommit*>& group,
                               const absl::Status& status) {
  if (!group.empty() && group.front()->stamp.revision != 0) {
    callbacks_.abandon(group.front()->stamp.revision - 1);
  }
  for (PendingCommit* commit : group) {
    commit->status = status;
    commit->done.Notify();
  }
}

void GroupCommitter::WriteGroup(const std::vector<PendingCommit*>& group) {
  {
    absl::MutexLock lock(&mu_);
    if (!sticky_error_.ok()) return FailGroup(group, sticky_error_);
  }
  group_buffer_.clear();
  for (PendingCommit* commit : group) commit->stamp = CommitStamp();
  for (PendingCommit* commit : group) {
    commit->stamp = callbacks_.next_stamp();
    if (commit->exclusive) {  // alone in its group
      absl::Status status = commit->Prepare();
      if (!status.ok()) return FailGroup(group, status);
    }
    AppendCommitFrame(&group_buffer_, commit->frame_type, commit->stamp,
                      commit->branch_id, commit->op_count, commit->ops_bytes);
  }
  bool sync = durability_ == Durability::kSync;
  iovec buffer{group_buffer_.data(), group_buffer_.size()};
  absl::Status status;
  uint64_t writer_segment = 0;
  {
    absl::MutexLock lock(&sync_mu_);
    status = writer_->StartAppend({&buffer, 1}, sync);
    writer_segment = writer_->segment_number();
    if (status.ok()) {
      // Stage in the memtable while the write and fdatasync are in flight.
      // Nothing staged is visible before publish() below; a failed write
      // drops it (abandon).
      callbacks_.apply(group);
      status = writer_->FinishAppend();
    }
  }
  if (!status.ok()) return FailWrite(group, status);
  {
    absl::MutexLock lock(&stats_mu_);
    stats_.groups++;
    stats_.commits += group.size();
    stats_.bytes += group_buffer_.size();
  }
  if (!sync && oldest_unsynced_ == absl::InfiniteFuture()) {
    oldest_unsynced_ = clock_->Now();
  }
  callbacks_.written(writer_segment, group.back()->stamp.revision);
  callbacks_.publish(group.back()->stamp.revision);
  for (PendingCommit* commit : group) commit->done.Notify();
}

}  // namespace infinitedb::wal
