#include "engine/wal/group_commit.h"

#include "engine/wal/wal_format.h"
#include "spdlog/spdlog.h"

namespace infinitedb::wal {

GroupCommitter::GroupCommitter(Durability durability,
                               uint32_t async_sync_interval_ms,
                               size_t max_group_bytes,
                               std::unique_ptr<WalWriter> writer,
                               Callbacks callbacks)
    : durability_(durability),
      async_sync_interval_(absl::Milliseconds(async_sync_interval_ms)),
      max_group_bytes_(max_group_bytes),
      callbacks_(std::move(callbacks)),
      writer_(std::move(writer)) {
  thread_ = std::thread([this] { Run(); });
}

GroupCommitter::~GroupCommitter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
  absl::Status status = SyncNow();
  if (!status.ok())
    spdlog::error("WAL sync on close failed: {}", status.ToString());
}

absl::StatusOr<CommitStamp> GroupCommitter::Commit(PendingCommit* commit) {
  {
    absl::MutexLock lock(&mu_);
    if (!sticky_error_.ok()) return sticky_error_;
    if (stopping_) return absl::UnavailableError("the engine is closing");
    queue_.push_back(commit);
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
    absl::MutexLock lock(&sync_mu_);
    absl::Status status = writer_->RollSegment();
    if (status.ok()) {
      result = writer_->segment_number();
    } else {
      result = status;
    }
  });
  return result;
}

void GroupCommitter::RunBetweenGroups(std::function<void()> task) {
  Task pending{std::move(task), {}};
  bool stopping;
  {
    absl::MutexLock lock(&mu_);
    stopping = stopping_;
    if (!stopping) tasks_.push_back(&pending);
  }
  if (stopping) {
    // The commit thread is finishing; no commit can run concurrently.
    pending.run();
    return;
  }
  pending.done.WaitForNotification();
}

std::vector<PendingCommit*> GroupCommitter::TakeGroup(
    std::vector<Task*>* tasks) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || !tasks_.empty() || stopping_;
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
    if (durability_ == Durability::kAsync &&
        oldest_unsynced_ != absl::InfiniteFuture() &&
        absl::Now() >= oldest_unsynced_ + async_sync_interval_) {
      absl::Status status = SyncNow();
      if (!status.ok()) {
        absl::MutexLock lock(&mu_);
        sticky_error_ = status;
      }
      oldest_unsynced_ = absl::InfiniteFuture();
    }
  }
}

void GroupCommitter::FailGroup(const std::vector<PendingCommit*>& group,
                               const absl::Status& status) {
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
  for (PendingCommit* commit : group) {
    commit->stamp = callbacks_.next_stamp();
    if (commit->exclusive) {  // alone in its group
      absl::Status status = callbacks_.prepare(*commit);
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
      // Apply to the memtable while the write and fdatasync are in flight.
      // Nothing applied is visible before publish() below, and a failed
      // write stops all further commits, so its commits never become
      // visible in this process.
      for (PendingCommit* commit : group) callbacks_.apply(*commit);
      status = writer_->FinishAppend();
    }
  }
  if (!status.ok()) {
    spdlog::error("WAL write failed; the engine refuses writes from now on: {}",
                  status.ToString());
    {
      absl::MutexLock lock(&mu_);
      sticky_error_ = status;
    }
    return FailGroup(group, status);
  }
  {
    absl::MutexLock lock(&stats_mu_);
    stats_.groups++;
    stats_.commits += group.size();
    stats_.bytes += group_buffer_.size();
  }
  if (!sync && oldest_unsynced_ == absl::InfiniteFuture()) {
    oldest_unsynced_ = absl::Now();
  }
  callbacks_.written(writer_segment, group.back()->stamp.revision);
  callbacks_.publish(group.back()->stamp.revision);
  for (PendingCommit* commit : group) commit->done.Notify();
}

}  // namespace infinitedb::wal
