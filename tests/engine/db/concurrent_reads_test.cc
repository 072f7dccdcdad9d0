// Concurrency of the engine: writers and readers at once; every read sees
// whole commits of exactly one revision, and revisions are distinct.
#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/hilbert/hilbert.h"
#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

constexpr uint32_t kCoordinateMax = 0xFFFFFFFF;

std::string Describe(const Record& r) {
  return absl::StrFormat("(%s) rev=%d hlc=%d origin=%d %s'%s'",
                         absl::StrJoin(r.point, ","), r.stamp.revision,
                         r.stamp.hlc, r.stamp.origin,
                         r.deleted ? "tombstone " : "", r.value);
}

// What one read of the grid saw: the revision and value common to all its
// records (0 and "" before the first batch), and the snapshot it asked for.
struct GridObservation {
  Revision as_of = 0;  // 0: the newest
  // For as_of 0: the current revision just before the read.
  Revision newest_at_least = 0;
  Revision revision = 0;
  std::string value;
};

// Writers commit batches that set every address of a small grid to one value
// (after decoy mutations of some of the same addresses), and now and then a
// put elsewhere; readers scan and query the grid at the same time.
class ConcurrentModelTest : public ::testing::Test {
 protected:
  static constexpr int kWriters = 3;
  static constexpr int kReaders = 2;
  static constexpr int kBatchesPerWriter = 100;
  static constexpr uint32_t kGridSide = 4;
  static constexpr size_t kGridRecords = kGridSide * kGridSide;

  void SetUp() override {
    EngineOptions options;  // kSync, so that writers share group commits
    options.data_dir = dir_.path();
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    ASSERT_TRUE(engine_->CreateSpace("grid", 2).ok());
    ASSERT_TRUE(engine_->CreateSpace("solo", 1).ok());
  }

  void WriterLoop(int writer);
  void ReaderLoop(int reader);
  // All records of one read must come from one batch.
  static GridObservation Observe(
      const absl::StatusOr<std::vector<Record>>& records, size_t expected,
      Revision as_of);
  static void CheckObservation(const std::map<Revision, std::string>& batches,
                               const GridObservation& seen);

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::atomic<int> writers_running_{kWriters};
  // Each creation is a revision too (its record in the change stream).
  std::atomic<int> branches_created_{0};
  // Each written by its own thread only, and read after the threads end.
  std::map<Revision, std::string> batches_[kWriters];  // revision -> value
  std::vector<Revision> put_revisions_[kWriters];
  std::vector<GridObservation> observations_[kReaders];
};

void ConcurrentModelTest::WriterLoop(int writer) {
  std::mt19937 random(100 + writer);
  for (int i = 0; i < kBatchesPerWriter && !HasFailure(); ++i) {
    std::string value = absl::StrFormat("w%d-%d", writer, i);
    std::vector<Mutation> decoys, finals;
    for (uint32_t x = 0; x < kGridSide; ++x) {
      for (uint32_t y = 0; y < kGridSide; ++y) {
        if (random() % 3 == 0) {
          decoys.push_back(random() % 2 ? Mutation::Delete("grid", {x, y})
                                        : Mutation::Put("grid", {x, y}, "x"));
        }
        finals.push_back(Mutation::Put("grid", {x, y}, value));
      }
    }
    std::shuffle(decoys.begin(), decoys.end(), random);
    std::shuffle(finals.begin(), finals.end(), random);
    decoys.insert(decoys.end(), finals.begin(), finals.end());
    absl::StatusOr<CommitStamp> stamp = engine_->Batch(kMainBranch, decoys);
    ASSERT_TRUE(stamp.ok()) << stamp.status();
    batches_[writer][stamp->revision] = value;
    if (i % 3 == 0) {
      Point point{static_cast<uint32_t>(writer)};
      stamp = engine_->Put(kMainBranch, "solo", point, value);
      ASSERT_TRUE(stamp.ok()) << stamp.status();
      put_revisions_[writer].push_back(stamp->revision);
    }
  }
  --writers_running_;
}

void ConcurrentModelTest::ReaderLoop(int reader) {
  std::mt19937 random(200 + reader);
  const Box left_half{{0, 0}, {kGridSide / 2 - 1, kGridSide - 1}};
  std::vector<GridObservation>& seen = observations_[reader];
  bool branched = false;
  while (writers_running_ > 0 && !HasFailure()) {
    Revision current = engine_->CurrentRevision();
    seen.push_back(Observe(ScanAll(*engine_, {}, "grid"), kGridRecords, 0));
    seen.back().newest_at_least = current;
    if (current == 0) continue;
    ReadOptions past{kMainBranch, random() % current + 1};
    seen.push_back(
        Observe(ScanAll(*engine_, past, "grid"), kGridRecords, past.as_of));
    seen.push_back(Observe(QueryAll(*engine_, past, "grid", left_half),
                           kGridRecords / 2, past.as_of));
    if (!branched && current > 50) {  // a branch forked mid-stream
      branched = true;
      std::string name = absl::StrCat("fork", reader);
      absl::StatusOr<BranchInfo> branch =
          engine_->CreateBranch(name, kMainBranch);
      ASSERT_TRUE(branch.ok()) << branch.status();
      branches_created_++;
      seen.push_back(Observe(ScanAll(*engine_, {name, 0}, "grid"), kGridRecords,
                             branch->fork_revision));
    }
  }
}

GridObservation ConcurrentModelTest::Observe(
    const absl::StatusOr<std::vector<Record>>& records, size_t expected,
    Revision as_of) {
  GridObservation seen;
  seen.as_of = as_of;
  EXPECT_TRUE(records.ok()) << records.status();
  if (!records.ok() || records->empty()) return seen;
  EXPECT_EQ(records->size(), expected) << "a read saw part of a batch";
  seen.revision = records->front().stamp.revision;
  seen.value = records->front().value;
  for (const Record& r : *records) {
    EXPECT_EQ(r.stamp.revision, seen.revision) << Describe(r);
    EXPECT_EQ(r.value, seen.value) << Describe(r);
  }
  return seen;
}

// The observation is the newest batch of its snapshot, with that batch's
// value.
void ConcurrentModelTest::CheckObservation(
    const std::map<Revision, std::string>& batches,
    const GridObservation& seen) {
  SCOPED_TRACE(absl::StrCat("as_of ", seen.as_of, ", saw revision ",
                            seen.revision, " '", seen.value, "'"));
  if (seen.revision != 0) {
    auto batch = batches.find(seen.revision);
    ASSERT_NE(batch, batches.end()) << "not a batch revision";
    EXPECT_EQ(seen.value, batch->second);
  }
  Revision bound = seen.as_of == 0 ? seen.newest_at_least : seen.as_of;
  auto after = batches.upper_bound(bound);
  Revision newest = after == batches.begin() ? 0 : std::prev(after)->first;
  if (seen.as_of == 0) {
    EXPECT_GE(seen.revision, newest);
  } else {
    EXPECT_EQ(seen.revision, newest);
  }
}

TEST_F(ConcurrentModelTest, ReadsSeeWholeBatchesAndRevisionsAreDistinct) {
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([this, w] { WriterLoop(w); });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([this, r] { ReaderLoop(r); });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_FALSE(HasFailure());

  std::map<Revision, std::string> batches;
  std::vector<Revision> revisions;
  for (int w = 0; w < kWriters; ++w) {
    for (const auto& [revision, value] : batches_[w]) {
      batches[revision] = value;
      revisions.push_back(revision);
    }
    revisions.insert(revisions.end(), put_revisions_[w].begin(),
                     put_revisions_[w].end());
  }
  // Every commit got its own revision, and only the branch creations took
  // the others: together they are exactly 1..N.
  std::sort(revisions.begin(), revisions.end());
  ASSERT_TRUE(std::adjacent_find(revisions.begin(), revisions.end()) ==
              revisions.end())
      << "revisions repeat";
  EXPECT_EQ(revisions.size(),
            kWriters * (kBatchesPerWriter + (kBatchesPerWriter + 2) / 3));
  ASSERT_LE(revisions.back(), engine_->CurrentRevision());
  EXPECT_EQ(engine_->CurrentRevision(), revisions.size() + branches_created_);
  for (const auto& observations : observations_) {
    for (const GridObservation& seen : observations) {
      CheckObservation(batches, seen);
    }
  }
}

}  // namespace
}  // namespace infinitedb
