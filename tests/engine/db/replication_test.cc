// The change stream (ReadChanges, OldestChangeRevision) and replication
// (ApplyReplicated, ReplicationCursor) against real engines: exact change
// sets and paging (also under concurrent writes and WAL segment rolls), WAL
// retention and reopen, last-writer-wins on (hlc, origin), and two nodes that
// exchange their streams converging on the newest stamp of every address.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/commit/hlc_clock.h"
#include "engine/public/engine.h"
#include "engine/replication/catalog_events.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

// Big enough that one read returns every change of a test.
constexpr size_t kAllBytes = 64u << 20;

// One streamed operation, comparable: branch, space, point, deleted, value,
// hlc, origin.
using OpKey = std::tuple<std::string, std::string, Point, bool, std::string,
                         uint64_t, uint32_t>;
// Change sets as (revision, operations sorted): the order of operations
// inside one change set is not part of the contract.
using ChangeLog = std::vector<std::pair<Revision, std::vector<OpKey>>>;

OpKey KeyOf(const ChangeOp& op) {
  return {op.branch, op.space, op.point, op.deleted,
          op.value,  op.hlc,   op.origin};
}

std::pair<Revision, std::vector<OpKey>> Flatten(const ChangeSet& change) {
  std::vector<OpKey> ops;
  for (const ChangeOp& op : change.ops) ops.push_back(KeyOf(op));
  std::sort(ops.begin(), ops.end());
  return {change.revision, std::move(ops)};
}

// What the stream must return: every commit of a test with the stamp its
// write returned.
class ExpectedLog {
 public:
  void Add(const CommitStamp& stamp, const std::string& branch,
           const std::vector<Mutation>& mutations) {
    // Within a batch the last mutation of an address wins.
    std::map<std::pair<std::string, Point>, const Mutation*> last;
    for (const Mutation& m : mutations) last[{m.space, m.point}] = &m;
    std::vector<OpKey> ops;
    for (const auto& [address, m] : last) {
      bool deleted = m->kind == Mutation::Kind::kDelete;
      ops.push_back({branch, m->space, m->point, deleted,
                     deleted ? "" : m->value, stamp.hlc, stamp.origin});
    }
    std::sort(ops.begin(), ops.end());
    log_.push_back({stamp.revision, std::move(ops)});
  }
  void Add(Revision revision, const std::vector<ChangeOp>& ops) {
    log_.push_back(Flatten(ChangeSet{revision, ops}));
  }

  ChangeLog After(Revision after) const {
    ChangeLog result;
    for (const auto& change : log_) {
      if (change.first > after) result.push_back(change);
    }
    return result;
  }
  const ChangeLog& all() const { return log_; }

 private:
  ChangeLog log_;
};

// Writes `mutations` as one commit (Put or Delete when there is one, else a
// Batch) and records it in `log`.
CommitStamp Write(Engine& engine, ExpectedLog* log, const std::string& branch,
                  const std::vector<Mutation>& mutations) {
  absl::StatusOr<CommitStamp> stamp;
  const Mutation& first = mutations.front();
  if (mutations.size() > 1) {
    stamp = engine.Batch(branch, mutations);
  } else if (first.kind == Mutation::Kind::kPut) {
    stamp = engine.Put(branch, first.space, first.point, first.value);
  } else {
    stamp = engine.Delete(branch, first.space, first.point);
  }
  EXPECT_TRUE(stamp.ok()) << stamp.status();
  if (!stamp.ok()) return {};
  log->Add(*stamp, branch, mutations);
  return *stamp;
}

// Creates branch `name` off main and records the change set that carries
// its creation: one __catalog record on main, whose value names the branch
// and its parent, and whose stamp is the fork.
void CreateRecordedBranch(Engine& engine, ExpectedLog* log,
                          const std::string& name) {
  const Revision before = engine.CurrentRevision();
  absl::StatusOr<BranchInfo> branch = engine.CreateBranch(name, kMainBranch);
  ASSERT_TRUE(branch.ok()) << branch.status();
  ASSERT_EQ(engine.CurrentRevision(), before + 1);
  absl::StatusOr<ChangeBatch> batch = engine.ReadChanges({before}, kAllBytes);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->changes.size(), 1u);
  const ChangeSet& change = batch->changes.front();
  ASSERT_EQ(change.revision, before + 1);
  ASSERT_EQ(change.ops.size(), 1u);
  const ChangeOp& op = change.ops.front();
  EXPECT_EQ(op.branch, kMainBranch);
  EXPECT_EQ(op.space, kCatalogEventsSpace);
  EXPECT_FALSE(op.deleted);
  // The branch is forked at its record: that stamp, that revision.
  EXPECT_EQ(op.hlc, branch->fork_hlc);
  EXPECT_EQ(branch->fork_revision, change.revision);
  absl::StatusOr<replication::CatalogEvent> event =
      replication::DecodeCatalogEvent(op.value, "op");
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->kind, replication::CatalogEventKind::kBranchCreated);
  EXPECT_EQ(event->name, name);
  EXPECT_EQ(event->parent, kMainBranch);
  EXPECT_EQ(op.point, replication::CatalogEventPoint(false, name));
  log->Add(change.revision, change.ops);
}

// `commits` random puts, deletes and batches (with repeated addresses) on
// main and, from the tenth commit on, on branch "dev", in spaces "points"
// (2 dims) and "lines" (1 dim).
void RandomWorkload(Engine& engine, ExpectedLog* log, int commits,
                    std::mt19937& random) {
  auto random_mutation = [&random](int i) {
    bool two_dims = random() % 2 == 0;
    std::string space = two_dims ? "points" : "lines";
    Point point = {static_cast<uint32_t>(random() % 5)};
    if (two_dims) point.push_back(static_cast<uint32_t>(random() % 5));
    if (random() % 4 == 0) return Mutation::Delete(space, point);
    return Mutation::Put(space, point,
                         absl::StrCat("v", i, std::string(random() % 40, 'x')));
  };
  for (int i = 0; i < commits; ++i) {
    if (i == 10) CreateRecordedBranch(engine, log, "dev");
    std::string branch = i > 10 && random() % 3 == 0 ? "dev" : kMainBranch;
    std::vector<Mutation> mutations;
    int count = random() % 3 == 0 ? 2 + random() % 4 : 1;
    for (int j = 0; j < count; ++j) mutations.push_back(random_mutation(i));
    Write(engine, log, branch, mutations);
  }
}

struct ReadResult {
  ChangeLog log;
  ChangeCursor next;
  int pages = 0;
};

// Pages through the stream from `from` up to the revision current at the
// call, passing `next` back each time, checking that every page moves
// forward and holds increasing revisions within it.
ReadResult ReadAll(Engine& engine, ChangeCursor from, size_t max_bytes) {
  const Revision target = engine.CurrentRevision();
  ReadResult result;
  result.next = from;
  while (result.next.after < target) {
    absl::StatusOr<ChangeBatch> batch =
        engine.ReadChanges(result.next, max_bytes);
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok()) break;
    EXPECT_GT(batch->next.after, result.next.after)
        << "a read made no progress";
    if (batch->next.after <= result.next.after) break;
    Revision previous = result.next.after;
    for (const ChangeSet& change : batch->changes) {
      EXPECT_GT(change.revision, previous);
      EXPECT_LE(change.revision, batch->next.after);
      previous = change.revision;
      result.log.push_back(Flatten(change));
    }
    result.next = batch->next;
    ++result.pages;
  }
  return result;
}

ChangeOp PutOp(std::string space, Point point, std::string value, uint64_t hlc,
               uint32_t origin, std::string branch = kMainBranch) {
  ChangeOp op;
  op.branch = std::move(branch);
  op.space = std::move(space);
  op.point = std::move(point);
  op.value = std::move(value);
  op.hlc = hlc;
  op.origin = origin;
  return op;
}

ChangeOp DeleteOp(std::string space, Point point, uint64_t hlc, uint32_t origin,
                  std::string branch = kMainBranch) {
  ChangeOp op = PutOp(std::move(space), std::move(point), "", hlc, origin,
                      std::move(branch));
  op.deleted = true;
  return op;
}

bool MessageContains(const absl::Status& status, const std::string& text) {
  return std::string(status.message()).find(text) != std::string::npos;
}

class ReplicationTest : public ::testing::Test {
 protected:
  ReplicationTest() { options_.durability = Durability::kAsync; }

  void Open() {
    engine_.reset();
    options_.data_dir = dir_.path();
    auto engine = Engine::Open(options_);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  ReplicationApplyResult Apply(uint32_t source, Revision source_revision,
                               const std::vector<ChangeOp>& ops) {
    auto result = engine_->ApplyReplicated(source, source_revision, ops);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : ReplicationApplyResult{};
  }

  // The newest version of the address, tombstones included.
  std::optional<Record> Newest(const std::string& space, const Point& point,
                               const std::string& branch = kMainBranch) {
    auto history = engine_->History({branch, 0}, space, point);
    EXPECT_TRUE(history.ok()) << history.status();
    if (!history.ok() || history->empty()) return std::nullopt;
    return history->front();
  }

  std::optional<std::string> ValueAt(const std::string& space,
                                     const Point& point,
                                     const std::string& branch = kMainBranch) {
    auto record = engine_->Get({branch, 0}, space, point);
    EXPECT_TRUE(record.ok()) << record.status();
    if (!record.ok() || !record->has_value()) return std::nullopt;
    return (*record)->value;
  }

  Revision Cursor(uint32_t source) {
    auto cursor = engine_->ReplicationCursor(source);
    EXPECT_TRUE(cursor.ok()) << cursor.status();
    return cursor.ok() ? *cursor : ~Revision{0};
  }

  testing::TempDir dir_;
  EngineOptions options_;
  std::unique_ptr<Engine> engine_;
};

// --- The change stream -----------------------------------------------------

TEST_F(ReplicationTest, ReadChangesReturnsExactlyTheChangeSetsAfterTheCursor) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("points", 2).ok());
  ASSERT_TRUE(engine_->CreateSpace("lines", 1).ok());
  ExpectedLog log;
  std::mt19937 random(7);
  RandomWorkload(*engine_, &log, 60, random);
  const Revision current = engine_->CurrentRevision();
  ASSERT_EQ(current, 61u);  // 60 commits and the branch's creation

  for (Revision after = 0; after <= current; ++after) {
    auto batch = engine_->ReadChanges({after}, kAllBytes);
    ASSERT_TRUE(batch.ok()) << batch.status();
    ChangeLog got;
    for (const ChangeSet& change : batch->changes)
      got.push_back(Flatten(change));
    EXPECT_EQ(got, log.After(after)) << "after " << after;
    EXPECT_EQ(batch->next.after, current) << "after " << after;
  }
  // Nothing after the current revision, and the cursor stays put.
  for (Revision after : {current, current + 5}) {
    auto batch = engine_->ReadChanges({after}, kAllBytes);
    ASSERT_TRUE(batch.ok()) << batch.status();
    EXPECT_TRUE(batch->changes.empty());
    EXPECT_EQ(batch->next.after, after);
  }
}

TEST_F(ReplicationTest, PagingWithSmallMaxBytesHasNoGapsOrRepeats) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("points", 2).ok());
  ASSERT_TRUE(engine_->CreateSpace("lines", 1).ok());
  ExpectedLog log;
  std::mt19937 random(11);
  RandomWorkload(*engine_, &log, 80, random);
  for (size_t max_bytes : {size_t{0}, size_t{1}, size_t{64}, size_t{300}}) {
    ReadResult read = ReadAll(*engine_, {}, max_bytes);
    EXPECT_EQ(read.log, log.all()) << "max_bytes " << max_bytes;
    EXPECT_GT(read.pages, 1) << "max_bytes " << max_bytes;
    if (max_bytes <= 1) {
      EXPECT_EQ(read.pages, 81);  // one change set a page, the branch's too
    }
  }
  // A cursor holding only the revision (no WAL position) resumes as well.
  ChangeLog got;
  Revision after = 0;
  while (after < engine_->CurrentRevision()) {
    auto batch = engine_->ReadChanges({after}, 100);
    ASSERT_TRUE(batch.ok()) << batch.status();
    for (const ChangeSet& change : batch->changes)
      got.push_back(Flatten(change));
    ASSERT_GT(batch->next.after, after);
    after = batch->next.after;
  }
  EXPECT_EQ(got, log.all());
}

TEST_F(ReplicationTest, PagingWhileAnotherThreadWritesAcrossWalSegmentRolls) {
  options_.wal_segment_bytes = 4096;  // a roll every ~30 commits
  Open();
  ASSERT_TRUE(engine_->CreateSpace("points", 2).ok());
  constexpr int kCommits = 600;
  ExpectedLog written;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (uint32_t i = 0; i < kCommits; ++i) {
      std::vector<Mutation> mutations = {Mutation::Put(
          "points", {i % 13, i}, absl::StrCat(i, std::string(100, 'w')))};
      if (i % 5 == 0) mutations.push_back(Mutation::Delete("points", {i, 0}));
      Write(*engine_, &written, kMainBranch, mutations);
    }
    done = true;
  });
  ChangeLog read;
  ChangeCursor cursor;
  int pages = 0;
  while (!done || cursor.after < engine_->CurrentRevision()) {
    auto batch = engine_->ReadChanges(cursor, 200);
    if (!batch.ok()) {
      ADD_FAILURE() << batch.status();
      break;  // still join the writer
    }
    EXPECT_GE(batch->next.after, cursor.after);
    EXPECT_LE(batch->next.after, engine_->CurrentRevision());
    Revision previous = cursor.after;
    for (const ChangeSet& change : batch->changes) {
      EXPECT_GT(change.revision, previous);
      previous = change.revision;
      read.push_back(Flatten(change));
    }
    cursor = batch->next;
    ++pages;
    if (batch->changes.empty()) std::this_thread::yield();
  }
  writer.join();
  EXPECT_EQ(read, written.all());
  EXPECT_EQ(cursor.after, static_cast<Revision>(kCommits));
  EXPECT_GT(pages, 10);
  EXPECT_GE(engine_->Stats().wal_segments, 10u);
}

TEST_F(ReplicationTest, ReplicationCursorOpsNeverAppearInTheStream) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  ExpectedLog log;
  Write(*engine_, &log, kMainBranch, {Mutation::Put("s", {1}, "local")});
  std::vector<ChangeOp> ops = {PutOp("s", {2}, "remote", 500, 9),
                               DeleteOp("s", {3}, 501, 9)};
  ReplicationApplyResult applied = Apply(9, 40, ops);
  EXPECT_EQ(applied.applied, 2u);
  log.Add(applied.stamp.revision, ops);
  // Only the cursor is written: every op is stale, or there is none.
  EXPECT_EQ(Apply(9, 41, {PutOp("s", {2}, "old", 400, 9)}).stale, 1u);
  Apply(9, 42, {});
  Write(*engine_, &log, kMainBranch, {Mutation::Delete("s", {1})});
  ASSERT_EQ(engine_->CurrentRevision(), 5u);

  ReadResult read = ReadAll(*engine_, {}, kAllBytes);
  EXPECT_EQ(read.log, log.all());
  for (const auto& [revision, change_ops] : read.log) {
    for (const OpKey& op : change_ops) {
      EXPECT_NE(std::get<1>(op), kReplicationCursorSpace);
    }
  }
  EXPECT_EQ(Cursor(9), 42u);
}

TEST_F(ReplicationTest, ReadReturnsAChangeSetWhenOnlyCursorCommitsPrecedeIt) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  ASSERT_TRUE(engine_->Put("main", "s", {1}, "a").ok());
  EXPECT_EQ(Apply(9, 1, {PutOp("s", {1}, "old", 1, 9)}).stale, 1u);
  Apply(9, 2, {});
  auto stamp = engine_->Put("main", "s", {2}, "b");
  ASSERT_TRUE(stamp.ok());
  ASSERT_EQ(stamp->revision, 4u);
  // Revisions 2 and 3 hold only cursor ops; "at least one change set when
  // there is one" means revision 4 comes back from one read.
  auto batch = engine_->ReadChanges({1}, 1);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->changes.size(), 1u) << "next.after = " << batch->next.after;
  EXPECT_EQ(batch->changes[0].revision, 4u);
  EXPECT_EQ(batch->next.after, 4u);
}

// --- Retention of the change stream ----------------------------------------

TEST_F(ReplicationTest, FlushReleasesTheWalAndOlderReadsAreOutOfRange) {
  options_ = EngineOptions();  // default options: nothing holds the WAL
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  ExpectedLog log;
  for (uint32_t i = 0; i < 10; ++i) {
    Write(*engine_, &log, kMainBranch, {Mutation::Put("s", {i}, "v")});
  }
  EXPECT_EQ(engine_->OldestChangeRevision(), 0u);
  ASSERT_TRUE(engine_->Flush().ok());
  const Revision oldest = engine_->OldestChangeRevision();
  EXPECT_EQ(oldest, 10u);
  for (Revision after : {Revision{0}, oldest - 1}) {
    auto batch = engine_->ReadChanges({after}, kAllBytes);
    ASSERT_FALSE(batch.ok()) << "after " << after;
    EXPECT_TRUE(absl::IsOutOfRange(batch.status())) << batch.status();
    EXPECT_TRUE(MessageContains(batch.status(), absl::StrCat(oldest)))
        << batch.status();
  }
  auto empty = engine_->ReadChanges({oldest}, kAllBytes);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->changes.empty());
  EXPECT_EQ(empty->next.after, oldest);

  for (uint32_t i = 0; i < 3; ++i) {
    Write(*engine_, &log, kMainBranch, {Mutation::Delete("s", {i})});
  }
  EXPECT_EQ(ReadAll(*engine_, {oldest}, kAllBytes).log, log.After(oldest));
}

TEST_F(ReplicationTest, WalHoldRevisionKeepsEveryRevisionFromTheHold) {
  std::atomic<Revision> hold{0};
  options_.wal_segment_bytes = 4096;
  options_.wal_hold_revision = [&hold] { return hold.load(); };
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  ExpectedLog log;
  for (uint32_t i = 0; i < 200; ++i) {
    Write(*engine_, &log, kMainBranch,
          {Mutation::Put("s", {i % 17}, std::string(100, 'a' + i % 26))});
  }
  // A hold of 0 keeps everything.
  ASSERT_TRUE(engine_->Flush().ok());
  EXPECT_EQ(engine_->OldestChangeRevision(), 0u);
  EXPECT_EQ(ReadAll(*engine_, {}, kAllBytes).log, log.all());

  const Revision kHold = 120;
  hold = kHold;
  ASSERT_TRUE(engine_->Flush().ok());
  const Revision oldest = engine_->OldestChangeRevision();
  EXPECT_GT(oldest, 0u) << "segments below the hold are released";
  EXPECT_LT(oldest, kHold);
  EXPECT_EQ(ReadAll(*engine_, {kHold - 1}, kAllBytes).log,
            log.After(kHold - 1));
  EXPECT_EQ(ReadAll(*engine_, {oldest}, kAllBytes).log, log.After(oldest));
  auto released = engine_->ReadChanges({oldest - 1}, kAllBytes);
  EXPECT_TRUE(absl::IsOutOfRange(released.status())) << released.status();

  // The same after reopening: the WAL still starts right after `oldest`.
  Open();
  EXPECT_EQ(engine_->OldestChangeRevision(), oldest);
  EXPECT_EQ(ReadAll(*engine_, {oldest}, kAllBytes).log, log.After(oldest));

  // Raising the hold past the newest revision releases everything.
  hold = engine_->CurrentRevision() + 1;
  ASSERT_TRUE(engine_->Flush().ok());
  EXPECT_EQ(engine_->OldestChangeRevision(), engine_->CurrentRevision());
}

TEST_F(ReplicationTest, AfterReopenTheStreamServesWhatTheWalHolds) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("points", 2).ok());
  ASSERT_TRUE(engine_->CreateSpace("lines", 1).ok());
  ExpectedLog log;
  std::mt19937 random(5);
  RandomWorkload(*engine_, &log, 30, random);
  // Addresses the workload never writes, so that both ops win.
  std::vector<ChangeOp> ops = {PutOp("lines", {100}, "remote", 77, 4, "dev"),
                               DeleteOp("points", {100, 1}, 78, 4)};
  log.Add(Apply(4, 9, ops).stamp.revision, ops);

  Open();  // WAL replay, type-1 and type-2 frames
  EXPECT_EQ(engine_->OldestChangeRevision(), 0u);
  EXPECT_EQ(ReadAll(*engine_, {}, kAllBytes).log, log.all());

  ASSERT_TRUE(engine_->Flush().ok());
  const Revision flushed = engine_->CurrentRevision();
  for (uint32_t i = 0; i < 5; ++i) {
    Write(*engine_, &log, "dev", {Mutation::Put("lines", {i}, "after")});
  }
  Open();
  EXPECT_EQ(engine_->OldestChangeRevision(), flushed);
  EXPECT_EQ(ReadAll(*engine_, {flushed}, kAllBytes).log, log.After(flushed));
  auto released = engine_->ReadChanges({flushed - 1}, kAllBytes);
  EXPECT_TRUE(absl::IsOutOfRange(released.status())) << released.status();

  // Nothing written since the last flush: the stream starts at the end.
  ASSERT_TRUE(engine_->Flush().ok());
  Open();
  EXPECT_EQ(engine_->OldestChangeRevision(), engine_->CurrentRevision());
  auto batch = engine_->ReadChanges({engine_->CurrentRevision()}, kAllBytes);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_TRUE(batch->changes.empty());
}

// --- ApplyReplicated and last-writer-wins ----------------------------------

TEST_F(ReplicationTest, AppliedOpsKeepTheirStampAndGetALocalRevision) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  ASSERT_TRUE(engine_->Put("main", "s", {0, 0}, "local").ok());
  ReplicationApplyResult result =
      Apply(7, 100,
            {PutOp("s", {1, 2}, "a", 1000, 7), DeleteOp("s", {3, 4}, 1001, 8)});
  EXPECT_EQ(result.stamp.revision, 2u);
  EXPECT_EQ(result.stamp.origin, 1u);  // this node made the local commit
  EXPECT_EQ(result.applied, 2u);
  EXPECT_EQ(result.stale, 0u);
  EXPECT_EQ(engine_->CurrentRevision(), 2u);

  auto record = engine_->Get({}, "s", {1, 2});
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->value, "a");
  EXPECT_EQ((*record)->stamp.revision, 2u);
  EXPECT_EQ((*record)->stamp.hlc, 1000u);
  EXPECT_EQ((*record)->stamp.origin, 7u);
  EXPECT_EQ(ValueAt("s", {3, 4}), std::nullopt);
  auto history = engine_->History({}, "s", {3, 4});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_TRUE((*history)[0].deleted);
  EXPECT_EQ((*history)[0].stamp.revision, 2u);
  EXPECT_EQ((*history)[0].stamp.hlc, 1001u);
  EXPECT_EQ((*history)[0].stamp.origin, 8u);
}

TEST_F(ReplicationTest, OnlyStrictlyNewerStampsWinTombstonesIncluded) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  const Point p = {5};
  struct Step {
    ChangeOp op;
    bool wins;
    std::optional<std::string> value_after;  // nullopt: absent
  };
  const std::vector<Step> steps = {
      {PutOp("s", p, "a", 100, 2), true, "a"},
      {PutOp("s", p, "b", 100, 2), false, "a"},  // equal stamp
      {PutOp("s", p, "b", 99, 9), false, "a"},   // lower hlc
      {PutOp("s", p, "b", 100, 1), false, "a"},  // same hlc, lower origin
      {PutOp("s", p, "c", 100, 3), true, "c"},   // same hlc, higher origin
      {DeleteOp("s", p, 101, 1), true, std::nullopt},
      {PutOp("s", p, "d", 101, 1), false, std::nullopt},  // equal to tombstone
      {PutOp("s", p, "d", 100, 9), false, std::nullopt},  // older than it
      {DeleteOp("s", p, 50, 1), false, std::nullopt},
      {PutOp("s", p, "e", 102, 1), true, "e"},
  };
  uint64_t hlc = 0;
  uint32_t origin = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    Revision before = engine_->CurrentRevision();
    ReplicationApplyResult result = Apply(3, i + 1, {step.op});
    EXPECT_EQ(result.stamp.revision, before + 1) << "step " << i;
    EXPECT_EQ(result.applied, step.wins ? 1u : 0u) << "step " << i;
    EXPECT_EQ(result.stale, step.wins ? 0u : 1u) << "step " << i;
    if (step.wins)
      std::tie(hlc, origin) = std::tie(step.op.hlc, step.op.origin);
    EXPECT_EQ(ValueAt("s", p), step.value_after) << "step " << i;
    std::optional<Record> newest = Newest("s", p);
    ASSERT_TRUE(newest.has_value());
    EXPECT_EQ(newest->stamp.hlc, hlc) << "step " << i;
    EXPECT_EQ(newest->stamp.origin, origin) << "step " << i;
    EXPECT_EQ(newest->deleted, !step.value_after.has_value()) << "step " << i;
  }
  auto history = engine_->History({}, "s", p);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 4u);  // a, c, the tombstone, e
  EXPECT_EQ(Cursor(3), steps.size());
}

TEST_F(ReplicationTest, LocalVersionsTakePartInLastWriterWins) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  auto put = engine_->Put("main", "s", {1}, "local");
  ASSERT_TRUE(put.ok());
  const uint64_t h = put->hlc;
  EXPECT_EQ(Apply(2, 1, {PutOp("s", {1}, "x", h, 1)}).stale, 1u);
  EXPECT_EQ(Apply(2, 2, {PutOp("s", {1}, "x", h - 1, 9)}).stale, 1u);
  EXPECT_EQ(ValueAt("s", {1}), "local");
  EXPECT_EQ(Apply(2, 3, {PutOp("s", {1}, "remote", h, 2)}).applied, 1u);
  EXPECT_EQ(ValueAt("s", {1}), "remote");

  auto deleted = engine_->Delete("main", "s", {1});
  ASSERT_TRUE(deleted.ok());
  EXPECT_GT(deleted->hlc, h);
  EXPECT_EQ(Apply(2, 4, {PutOp("s", {1}, "zombie", deleted->hlc, 1)}).stale,
            1u);
  EXPECT_EQ(ValueAt("s", {1}), std::nullopt);
}

TEST_F(ReplicationTest, WithinOneApplyTheMaxStampOfAnAddressWins) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  // Every order of the same four ops on one address; the winner is (7, 2).
  std::vector<ChangeOp> ops = {
      PutOp("s", {0}, "x", 5, 1), PutOp("s", {0}, "winner", 7, 2),
      DeleteOp("s", {0}, 7, 1), PutOp("s", {0}, "z", 3, 9)};
  std::vector<int> order = {0, 1, 2, 3};
  uint32_t address = 0;
  do {
    std::vector<ChangeOp> permuted;
    for (int i : order) {
      permuted.push_back(ops[i]);
      permuted.back().point = {address};
    }
    permuted.push_back(PutOp("s", {1000 + address}, "other", 1, 1));
    ReplicationApplyResult result = Apply(4, address + 1, permuted);
    EXPECT_EQ(result.applied, 2u) << "permutation " << address;
    EXPECT_EQ(result.stale, 3u) << "permutation " << address;
    std::optional<Record> newest = Newest("s", {address});
    ASSERT_TRUE(newest.has_value());
    EXPECT_EQ(newest->value, "winner") << "permutation " << address;
    EXPECT_EQ(newest->stamp.hlc, 7u);
    EXPECT_EQ(newest->stamp.origin, 2u);
    ++address;
  } while (std::next_permutation(order.begin(), order.end()));

  // A delete that is the max hides the address; losers of the same call
  // leave no version behind.
  Apply(4, 100,
        {PutOp("s", {500}, "a", 10, 1), DeleteOp("s", {500}, 11, 1),
         PutOp("s", {500}, "b", 9, 5)});
  EXPECT_EQ(ValueAt("s", {500}), std::nullopt);
  auto history = engine_->History({}, "s", {500});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_TRUE((*history)[0].deleted);
}

TEST_F(ReplicationTest, ApplyCreatesMissingSpacesAndBranches) {
  Open();
  ReplicationApplyResult result =
      Apply(6, 1,
            {PutOp("cube", {1, 2, 3}, "c", 10, 6, "feature"),
             PutOp("line", {4}, "l", 11, 6)});
  EXPECT_EQ(result.applied, 2u);
  auto cube = engine_->GetSpace("cube");
  ASSERT_TRUE(cube.ok()) << cube.status();
  EXPECT_EQ(cube->dims, 3);
  auto line = engine_->GetSpace("line");
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->dims, 1);
  bool found = false;
  for (const BranchInfo& branch : engine_->ListBranches()) {
    if (branch.name != "feature") continue;
    found = true;
    EXPECT_EQ(branch.parent, kMainBranch);
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(ValueAt("cube", {1, 2, 3}, "feature"), "c");
  EXPECT_EQ(ValueAt("cube", {1, 2, 3}), std::nullopt);
  EXPECT_EQ(ValueAt("line", {4}), "l");
}

TEST_F(ReplicationTest, BadApplyIsRejectedAndWritesNothing) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  EXPECT_EQ(Apply(5, 10, {PutOp("s", {1, 1}, "kept", 10, 5)}).applied, 1u);
  const Revision revision = engine_->CurrentRevision();
  struct Case {
    uint32_t source;
    std::vector<ChangeOp> ops;
    absl::StatusCode code;
  };
  const std::vector<Case> cases = {
      {5,
       {PutOp("s", {1, 1}, "new", 20, 5), PutOp("s", {1, 1, 1}, "x", 20, 5)},
       absl::StatusCode::kFailedPrecondition},
      {5,
       {PutOp("s", {1, 1}, "new", 20, 0)},
       absl::StatusCode::kInvalidArgument},
      {5,
       {PutOp(kReplicationCursorSpace, {5}, "xxxxxxxx", 20, 5)},
       absl::StatusCode::kInvalidArgument},
      {5, {PutOp("__x", {5}, "x", 20, 5)}, absl::StatusCode::kInvalidArgument},
      {0,
       {PutOp("s", {1, 1}, "new", 20, 5)},
       absl::StatusCode::kInvalidArgument},
      // Stamped ten minutes ahead of this server's clock.
      {5,
       {PutOp("s", {1, 1}, "future",
              (static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())) + 600'000)
                  << 16,
              5)},
       absl::StatusCode::kFailedPrecondition},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    auto result = engine_->ApplyReplicated(cases[i].source, 99, cases[i].ops);
    EXPECT_EQ(result.status().code(), cases[i].code)
        << "case " << i << ": " << result.status();
    EXPECT_EQ(engine_->CurrentRevision(), revision) << "case " << i;
    EXPECT_EQ(Cursor(5), 10u) << "case " << i;
    EXPECT_EQ(Cursor(0), 0u) << "case " << i;
    EXPECT_EQ(ValueAt("s", {1, 1}), "kept") << "case " << i;
  }
  EXPECT_FALSE(engine_->GetSpace("__x").ok());
  EXPECT_TRUE(engine_->ReadChanges({revision}, kAllBytes)->changes.empty());
}

// Clocks a little apart are fine; max_clock_skew_ms = 0 accepts any stamp.
TEST_F(ReplicationTest, ClockSkewWithinTheLimitOrUncheckedIsApplied) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  const uint64_t now_ms =
      static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()));
  EXPECT_EQ(
      Apply(5, 1, {PutOp("s", {1}, "soon", (now_ms + 5'000) << 16, 5)}).applied,
      1u);
  auto far = engine_->ApplyReplicated(
      5, 2,
      std::vector<ChangeOp>{
          PutOp("s", {2}, "far", (now_ms + 600'000) << 16, 5)});
  EXPECT_TRUE(absl::IsFailedPrecondition(far.status())) << far.status();
  EXPECT_NE(far.status().message().find("ops[0].hlc"), std::string::npos);
  options_.max_clock_skew_ms = 0;
  Open();
  EXPECT_EQ(Apply(5, 2, {PutOp("s", {2}, "far", (now_ms + 600'000) << 16, 5)})
                .applied,
            1u);
  EXPECT_EQ(ValueAt("s", {2}), "far");
}

TEST_F(ReplicationTest, FailedApplyCreatesNoSpaceOrBranch) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  // "All or nothing": the first op would create a space and a branch, the
  // second one fails.
  auto result = engine_->ApplyReplicated(
      5, 1,
      std::vector<ChangeOp>{PutOp("fresh", {1}, "a", 10, 5, "newbranch"),
                            PutOp("s", {1}, "b", 10, 5)});
  EXPECT_TRUE(absl::IsFailedPrecondition(result.status())) << result.status();
  EXPECT_TRUE(absl::IsNotFound(engine_->GetSpace("fresh").status()));
  for (const BranchInfo& branch : engine_->ListBranches()) {
    EXPECT_NE(branch.name, "newbranch");
  }
  // Two ops of one call disagreeing about a missing space's dims.
  result = engine_->ApplyReplicated(
      5, 1,
      std::vector<ChangeOp>{PutOp("other", {1}, "a", 10, 5),
                            PutOp("other", {1, 2}, "b", 10, 5)});
  EXPECT_TRUE(absl::IsFailedPrecondition(result.status())) << result.status();
  EXPECT_TRUE(absl::IsNotFound(engine_->GetSpace("other").status()));
  EXPECT_EQ(engine_->CurrentRevision(), 0u);
}

TEST_F(ReplicationTest, CursorIsStoredWithTheApplyAndSurvivesReopenAndFlush) {
  Open();
  EXPECT_EQ(Cursor(2), 0u);  // not even the cursor space exists yet
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  Apply(2, 42, {PutOp("s", {1}, "a", 10, 2)});
  EXPECT_EQ(Cursor(2), 42u);
  EXPECT_EQ(Cursor(3), 0u);
  Apply(3, 7, {});
  Apply(2, 50, {PutOp("s", {1}, "stale", 9, 2)});  // stale, cursor moves
  EXPECT_EQ(Cursor(2), 50u);
  EXPECT_EQ(Cursor(3), 7u);

  Open();  // replays the type-2 frames
  EXPECT_EQ(Cursor(2), 50u);
  EXPECT_EQ(Cursor(3), 7u);
  EXPECT_EQ(Cursor(4), 0u);
  EXPECT_EQ(ValueAt("s", {1}), "a");

  ASSERT_TRUE(engine_->Flush().ok());
  Open();  // the WAL is empty now: the cursors come from segments
  EXPECT_EQ(Cursor(2), 50u);
  EXPECT_EQ(Cursor(3), 7u);
  Apply(3, 8, {});
  EXPECT_EQ(Cursor(3), 8u);
}

TEST_F(ReplicationTest, LocalWritesAfterAnApplyGetALargerHlc) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  // A stamp 30 s ahead of this node's clock (within max_clock_skew_ms).
  const uint64_t future_ms =
      static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())) + 30'000;
  const uint64_t future_hlc = future_ms << 16;
  Apply(2, 1, {PutOp("s", {1}, "future", future_hlc, 2)});
  auto stamp = engine_->Put("main", "s", {2}, "local");
  ASSERT_TRUE(stamp.ok());
  EXPECT_GT(stamp->hlc, future_hlc);

  Open();  // recovered from the WAL
  stamp = engine_->Put("main", "s", {2}, "local");
  ASSERT_TRUE(stamp.ok());
  EXPECT_GT(stamp->hlc, future_hlc);

  ASSERT_TRUE(engine_->Flush().ok());
  Open();  // the WAL no longer holds the applied op
  stamp = engine_->Put("main", "s", {1}, "overwrite");
  ASSERT_TRUE(stamp.ok());
  EXPECT_GT(stamp->hlc, future_hlc)
      << "after Flush and reopen the clock forgot the applied stamp: the "
         "local overwrite is older than the version it replaces";
}

TEST_F(ReplicationTest, CompactedTombstoneStillBlocksAnOlderReplicatedPut) {
  options_.history_retention_revisions = 1;
  options_.compaction_trigger_segments = 1'000'000;
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  Apply(2, 1, {PutOp("s", {1}, "a", 100, 2)});
  Apply(2, 2, {DeleteOp("s", {1}, 200, 2)});
  for (uint32_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(engine_->Put("main", "s", {10 + i}, "v").ok());
  }
  ASSERT_TRUE(engine_->Flush().ok());
  ASSERT_TRUE(engine_->Compact("s").ok());
  // The delete (200, 2) is the newest write this node received for {1}; a
  // put stamped before it must stay stale.
  ReplicationApplyResult result =
      Apply(2, 3, {PutOp("s", {1}, "zombie", 150, 2)});
  EXPECT_EQ(result.stale, 1u);
  EXPECT_EQ(ValueAt("s", {1}), std::nullopt);
}

// --- System spaces and tombstone queries ------------------------------------

TEST_F(ReplicationTest, SystemSpacesAreHiddenAndReserved) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  Apply(2, 1, {PutOp("s", {1}, "a", 10, 2)});
  ASSERT_TRUE(engine_->GetSpace(kReplicationCursorSpace).ok());
  std::vector<std::string> names;
  for (const SpaceInfo& space : engine_->ListSpaces()) {
    names.push_back(space.name);
  }
  EXPECT_EQ(names, std::vector<std::string>{"s"});
  EXPECT_TRUE(absl::IsInvalidArgument(engine_->CreateSpace("__x", 1).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      engine_->CreateSpace(kReplicationCursorSpace, 1).status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(engine_->DropSpace(kReplicationCursorSpace)));
  EXPECT_EQ(Cursor(2), 1u);
}

TEST_F(ReplicationTest, IncludeTombstonesVisitsDeletedAddresses) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  for (uint32_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(engine_->Put("main", "s", {i}, absl::StrCat("v", i)).ok());
  }
  ASSERT_TRUE(engine_->Delete("main", "s", {1}).ok());
  Apply(2, 1, {DeleteOp("s", {9}, 10, 2)});  // never had a value here
  for (bool flushed : {false, true}) {
    if (flushed) {
      ASSERT_TRUE(engine_->Flush().ok());
    }
    for (bool include : {false, true}) {
      QueryRequest request;
      request.space = "s";
      request.include_tombstones = include;
      std::map<uint32_t, bool> visited;  // coordinate -> deleted
      auto result = engine_->Query(request, [&](const RecordView& view) {
        EXPECT_EQ(view.value.empty(), view.deleted);
        visited[view.coordinate(0)] = view.deleted;
        return true;
      });
      ASSERT_TRUE(result.ok()) << result.status();
      std::map<uint32_t, bool> want = {{0, false}, {2, false}, {3, false}};
      if (include) want.insert({{1, true}, {9, true}});
      EXPECT_EQ(visited, want)
          << "include " << include << " flushed " << flushed;
      EXPECT_EQ(result->count, want.size());
    }
  }
}

// --- Two nodes converge ------------------------------------------------------

using Address = std::pair<std::string, Point>;

// The newest write of an address across both nodes.
struct ModelVersion {
  bool deleted = false;
  std::string value;
  uint64_t hlc = 0;
  uint32_t origin = 0;
};

void Offer(std::map<Address, ModelVersion>* model, const Address& address,
           const ModelVersion& version) {
  auto it = model->find(address);
  if (it == model->end() || std::tie(version.hlc, version.origin) >
                                std::tie(it->second.hlc, it->second.origin)) {
    (*model)[address] = version;
  }
}

// One random write on `engine` (a put, a delete, or a batch of distinct
// addresses) among the few addresses of its spaces, recorded in `model`.
void RandomWrite(Engine& engine, int sequence, std::mt19937& random,
                 std::map<Address, ModelVersion>* model) {
  std::vector<SpaceInfo> spaces = engine.ListSpaces();
  std::map<Address, Mutation> mutations;
  int count = random() % 5 == 0 ? 2 + random() % 2 : 1;
  for (int i = 0; i < count; ++i) {
    const SpaceInfo& space = spaces[random() % spaces.size()];
    Point point(space.dims);
    for (uint32_t& c : point) c = random() % 3;
    Mutation m = random() % 3 == 0
                     ? Mutation::Delete(space.name, point)
                     : Mutation::Put(space.name, point,
                                     absl::StrCat("w", sequence, "-", i));
    mutations.insert_or_assign({space.name, point}, m);
  }
  std::vector<Mutation> batch;
  for (auto& [address, m] : mutations) batch.push_back(m);
  ExpectedLog ignored;
  CommitStamp stamp = Write(engine, &ignored, kMainBranch, batch);
  for (const Mutation& m : batch) {
    bool deleted = m.kind == Mutation::Kind::kDelete;
    Offer(model, {m.space, m.point},
          {deleted, deleted ? "" : m.value, stamp.hlc, stamp.origin});
  }
}

// Applies to `to` the changes of `from` after to's cursor for it, a page at
// a time, leaving out to's own operations. Returns the operations sent.
uint64_t Pull(Engine& from, uint32_t from_id, Engine& to, uint32_t to_id) {
  auto cursor = to.ReplicationCursor(from_id);
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  if (!cursor.ok()) return 0;
  ChangeCursor position{*cursor};
  const Revision target = from.CurrentRevision();
  uint64_t sent = 0;
  while (position.after < target) {
    auto batch = from.ReadChanges(position, 512);
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok() || batch->next.after <= position.after) break;
    std::vector<ChangeOp> ops;
    for (const ChangeSet& change : batch->changes) {
      for (const ChangeOp& op : change.ops) {
        if (op.origin != to_id) ops.push_back(op);
      }
    }
    if (!ops.empty()) {
      auto applied = to.ApplyReplicated(from_id, batch->next.after, ops);
      EXPECT_TRUE(applied.ok()) << applied.status();
      sent += ops.size();
    }
    position = batch->next;
  }
  return sent;
}

// Every version a scan visits, tombstones included or not, without the
// local revision.
std::vector<std::tuple<Point, bool, std::string, uint64_t, uint32_t>>
ScanStamps(Engine& engine, const std::string& space, bool include_tombstones) {
  std::vector<std::tuple<Point, bool, std::string, uint64_t, uint32_t>> rows;
  QueryRequest request;
  request.space = space;
  request.include_tombstones = include_tombstones;
  auto result = engine.Query(request, [&](const RecordView& view) {
    rows.emplace_back(view.point(), view.deleted, std::string(view.value),
                      view.stamp.hlc, view.stamp.origin);
    return true;
  });
  EXPECT_TRUE(result.ok()) << result.status();
  return rows;
}

std::unique_ptr<Engine> OpenNode(const testing::TempDir& dir,
                                 uint32_t node_id) {
  EngineOptions options;
  options.data_dir = dir.path();
  options.durability = Durability::kAsync;
  options.node_id = node_id;
  auto engine = Engine::Open(options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? std::move(*engine) : nullptr;
}

TEST(ReplicationConvergenceTest, TwoNodesConvergeOnTheNewestStampPerAddress) {
  testing::TempDir dir_a, dir_b;
  constexpr uint32_t kA = 1, kB = 2;
  std::unique_ptr<Engine> a = OpenNode(dir_a, kA);
  std::unique_ptr<Engine> b = OpenNode(dir_b, kB);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->CreateSpace("plane", 2).ok());
  ASSERT_TRUE(a->CreateSpace("line", 1).ok());  // reaches b by replication
  ASSERT_TRUE(b->CreateSpace("plane", 2).ok());
  std::mt19937 random(20240611);
  std::map<Address, ModelVersion> model;
  int sequence = 0;
  for (int round = 0; round < 6; ++round) {
    // Interleaved, so that both clocks stamp the same milliseconds and
    // (hlc, origin) ties are decided by the origin.
    for (int i = 0; i < 40; ++i) {
      Engine& writer = random() % 2 == 0 ? *a : *b;
      RandomWrite(writer, ++sequence, random, &model);
    }
    int exchanges = 0;
    while (Pull(*a, kA, *b, kB) + Pull(*b, kB, *a, kA) > 0) {
      ASSERT_LT(++exchanges, 5) << "round " << round << " does not settle";
    }

    std::vector<std::pair<std::string, int>> spaces_a, spaces_b;
    for (const SpaceInfo& s : a->ListSpaces())
      spaces_a.push_back({s.name, s.dims});
    for (const SpaceInfo& s : b->ListSpaces())
      spaces_b.push_back({s.name, s.dims});
    ASSERT_EQ(spaces_a, spaces_b) << "round " << round;
    for (const auto& [space, dims] : spaces_a) {
      for (bool tombstones : {false, true}) {
        EXPECT_EQ(ScanStamps(*a, space, tombstones),
                  ScanStamps(*b, space, tombstones))
            << "round " << round << " space " << space << " tombstones "
            << tombstones;
      }
    }
    for (const auto& [address, want] : model) {
      for (Engine* engine : {a.get(), b.get()}) {
        auto history = engine->History({}, address.first, address.second);
        ASSERT_TRUE(history.ok()) << history.status();
        ASSERT_FALSE(history->empty());
        const Record& newest = history->front();
        EXPECT_EQ(newest.deleted, want.deleted);
        EXPECT_EQ(newest.value, want.value);
        EXPECT_EQ(newest.stamp.hlc, want.hlc);
        EXPECT_EQ(newest.stamp.origin, want.origin);
      }
    }
  }
  // Both nodes wrote, and both won some addresses.
  std::set<uint32_t> winners;
  for (const auto& [address, version] : model) winners.insert(version.origin);
  EXPECT_EQ(winners, (std::set<uint32_t>{kA, kB}));
}

}  // namespace
}  // namespace infinitedb
