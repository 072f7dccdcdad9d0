// The write side of the engine: recovers the WAL into the active memtable on
// open, then stamps, writes and applies every commit through the group
// committer, and freezes the active memtable when it is full.
//
// Thread roles, in the types: what only the thread writing a commit group
// touches (the active memtable, the staged group, the last revision, the
// newest stored HLC) lives in WriterState, reached only from the group
// committer's callbacks and from exclusive commits' Prepare(); everything
// else here is constant after Open or thread-safe.
#ifndef INFINITEDB_ENGINE_COMMIT_COMMIT_PIPELINE_H_
#define INFINITEDB_ENGINE_COMMIT_COMMIT_PIPELINE_H_

#include <functional>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "engine/commit/hlc_clock.h"
#include "engine/commit/hlc_revision_index.h"
#include "engine/commit/prepared_commit.h"
#include "engine/mvcc/memtable.h"
#include "engine/public/options.h"
#include "engine/version/version_set.h"
#include "engine/wal/group_commit.h"
#include "engine/wal/wal_segment_set.h"

namespace infinitedb::commit {

// What an exclusive commit may read while it is prepared on the writing
// thread, after every earlier commit is applied and before any later one.
struct WriterView {
  // No stored version has a greater HLC: a replicated write above it wins
  // last-writer-wins without looking anything up.
  uint64_t max_stored_hlc = 0;
};

// A commit whose operations are decided on the writing thread once it is
// stamped (replicated changes resolved by last-writer-wins): it is written
// in a group of its own.
class ExclusiveCommit : public PreparedCommit {
 public:
  ExclusiveCommit() { exclusive = true; }
  // Fills ops, ops_bytes and op_count; an error fails this commit alone.
  virtual absl::Status Prepare(const WriterView& writer) = 0;

 private:
  friend class CommitPipeline;
  absl::Status Prepare() final { return Prepare(*writer_); }
  const WriterView* writer_ = nullptr;
};

class CommitPipeline {
 public:
  // Replays the WAL of options.data_dir above the sealed revision into a new
  // active memtable (installed in `versions`, frozen whenever it fills),
  // records the log's segments in `wal_segments` and opens the log for
  // appending. `on_freeze` is called after a memtable is frozen (to wake
  // sealing). Publishes the recovered revision.
  static absl::StatusOr<std::unique_ptr<CommitPipeline>> Open(
      const EngineOptions& options, version::VersionSet* versions,
      wal::WalSegmentSet* wal_segments, std::function<void()> on_freeze);
  // Drains queued commits and syncs the log.
  ~CommitPipeline();

  absl::StatusOr<CommitStamp> Commit(PreparedCommit* commit);
  absl::StatusOr<CommitStamp> Commit(ExclusiveCommit* commit);

  // Freezes the active memtable between two groups and starts a new WAL
  // segment, so that everything frozen is in finished segments.
  absl::Status FreezeAndRollWal();

  HlcClock& hlc() { return hlc_; }
  // Which revisions hold only versions stamped at or below a stamp.
  const HlcRevisionIndex& hlc_index() const { return hlc_index_; }
  wal::GroupCommitter::Stats stats() const { return committer_->stats(); }

 private:
  // Touched only by the thread writing a commit group (the commit thread or
  // a lone committer; one at a time: GroupCommitter::writing_), and by
  // recovery before the committer exists.
  struct WriterState {
    std::shared_ptr<mvcc::MemTable> active;
    std::optional<mvcc::MemTable::BatchAdder> staged;  // the group in flight
    // The branches the staged group commits to, with revisions.
    std::vector<std::pair<uint32_t, Revision>> staged_heads;
    Revision last_revision = 0;
    WriterView view;
  };

  CommitPipeline(const EngineOptions& options, version::VersionSet* versions,
                 wal::WalSegmentSet* wal_segments,
                 std::function<void()> on_freeze);
  absl::Status Replay();
  void StartCommitter(std::unique_ptr<wal::WalWriter> writer);
  wal::GroupCommitter::Callbacks WriterCallbacks();
  // Writer thread: stages a group's versions in the active memtable.
  void StageGroup(std::span<wal::PendingCommit* const> group);
  // Writer thread: moves the active memtable to the frozen list.
  void FreezeActive();

  // Constant after construction.
  const EngineOptions options_;
  version::VersionSet* const versions_;
  wal::WalSegmentSet* const wal_segments_;
  const std::function<void()> on_freeze_;
  HlcClock hlc_;
  HlcRevisionIndex hlc_index_;

  WriterState writer_;
  std::unique_ptr<wal::GroupCommitter> committer_;
};

}  // namespace infinitedb::commit

#endif  // INFINITEDB_ENGINE_COMMIT_COMMIT_PIPELINE_H_
