// Behaviour of the engine facade: spaces, branches, writes, exact reads, and
// durability across reopen.
#include "engine/public/engine.h"

#include <gtest/gtest.h>

#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
  std::optional<std::string> ValueAt(const Point& point, Revision as_of = 0,
                                     std::string branch = "main") {
    auto record = engine_->Get({branch, as_of}, "s", point);
    EXPECT_TRUE(record.ok()) << record.status();
    if (!record.ok() || !record->has_value()) return std::nullopt;
    return (*record)->value;
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, PutThenGetReturnsTheValue) {
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  auto stamp = engine_->Put("main", "s", {1, 2}, "hello");
  ASSERT_TRUE(stamp.ok()) << stamp.status();
  EXPECT_EQ(stamp->revision, 1u);
  EXPECT_EQ(ValueAt({1, 2}), "hello");
  EXPECT_EQ(ValueAt({2, 1}), std::nullopt);
}

TEST_F(EngineTest, EachCommitGetsTheNextRevisionAndAnIncreasingHlc) {
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  CommitStamp previous;
  for (uint32_t i = 0; i < 10; ++i) {
    auto stamp = engine_->Put("main", "s", {i}, "v");
    ASSERT_TRUE(stamp.ok());
    EXPECT_EQ(stamp->revision, previous.revision + 1);
    EXPECT_GT(stamp->hlc, previous.hlc);
    EXPECT_EQ(stamp->origin, 1u);
    previous = *stamp;
  }
  EXPECT_EQ(engine_->CurrentRevision(), 10u);
}

TEST_F(EngineTest, AsOfReadsSeeOldVersionsAndTombstonesHide) {
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  Revision r1 = engine_->Put("main", "s", {5, 5}, "one")->revision;
  Revision r2 = engine_->Put("main", "s", {5, 5}, "two")->revision;
  Revision r3 = engine_->Delete("main", "s", {5, 5})->revision;
  EXPECT_EQ(ValueAt({5, 5}, r1), "one");
  EXPECT_EQ(ValueAt({5, 5}, r2), "two");
  EXPECT_EQ(ValueAt({5, 5}, r3), std::nullopt);
  EXPECT_EQ(ValueAt({5, 5}), std::nullopt);
  auto history = engine_->History({}, "s", {5, 5});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_TRUE((*history)[0].deleted);
  EXPECT_EQ((*history)[1].value, "two");
  EXPECT_EQ((*history)[2].stamp.revision, r1);
}

TEST_F(EngineTest, BatchIsOneRevisionAndLastMutationOfAnAddressWins) {
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  auto stamp = engine_->Batch(
      "main", {Mutation::Put("s", {1, 1}, "a"), Mutation::Put("s", {2, 2}, "b"),
               Mutation::Put("s", {1, 1}, "c"), Mutation::Delete("s", {2, 2})});
  ASSERT_TRUE(stamp.ok()) << stamp.status();
  EXPECT_EQ(stamp->revision, 1u);
  EXPECT_EQ(ValueAt({1, 1}), "c");
  EXPECT_EQ(ValueAt({2, 2}), std::nullopt);
}

TEST_F(EngineTest, QueryReturnsExactlyThePointsInTheBox) {
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  for (uint32_t x = 0; x < 20; ++x) {
    for (uint32_t y = 0; y < 20; ++y) {
      ASSERT_TRUE(engine_->Put("main", "s", {x, y}, "v").ok());
    }
  }
  auto records = QueryAll(*engine_, {}, "s", Box{{3, 4}, {7, 15}});
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), 5u * 12u);
  for (const Record& r : *records) {
    EXPECT_GE(r.point[0], 3u);
    EXPECT_LE(r.point[0], 7u);
    EXPECT_GE(r.point[1], 4u);
    EXPECT_LE(r.point[1], 15u);
  }
  auto all = ScanAll(*engine_, {}, "s");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 400u);
}

TEST_F(EngineTest, BranchSeesParentUpToForkPlusItsOwnWrites) {
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  ASSERT_TRUE(engine_->Put("main", "s", {1}, "main-1").ok());
  auto branch = engine_->CreateBranch("alt", "main");
  ASSERT_TRUE(branch.ok()) << branch.status();
  // Forked at its creation's record, revision 2 (in __catalog).
  EXPECT_EQ(branch->fork_revision, 2u);
  ASSERT_TRUE(engine_->Put("main", "s", {1}, "main-2").ok());
  ASSERT_TRUE(engine_->Put("main", "s", {2}, "main-only").ok());
  ASSERT_TRUE(engine_->Put("alt", "s", {3}, "alt-only").ok());
  EXPECT_EQ(ValueAt({1}, 0, "alt"), "main-1");
  EXPECT_EQ(ValueAt({2}, 0, "alt"), std::nullopt);
  EXPECT_EQ(ValueAt({3}, 0, "alt"), "alt-only");
  EXPECT_EQ(ValueAt({3}, 0, "main"), std::nullopt);
  ASSERT_TRUE(engine_->Delete("alt", "s", {1}).ok());
  EXPECT_EQ(ValueAt({1}, 0, "alt"), std::nullopt);
  EXPECT_EQ(ValueAt({1}, 0, "main"), "main-2");
}

TEST_F(EngineTest, EverythingSurvivesReopen) {
  ASSERT_TRUE(engine_->CreateSpace("s", 3).ok());
  ASSERT_TRUE(engine_->Put("main", "s", {1, 2, 3}, "v1").ok());
  ASSERT_TRUE(engine_->CreateBranch("b", "main").ok());
  ASSERT_TRUE(engine_->Put("b", "s", {1, 2, 3}, "v2").ok());
  Reopen();
  // Two writes and the branch's creation record (__catalog).
  EXPECT_EQ(engine_->CurrentRevision(), 3u);
  EXPECT_EQ(engine_->ListSpaces().size(), 1u);
  EXPECT_EQ(engine_->ListBranches().size(), 2u);
  EXPECT_EQ(ValueAt({1, 2, 3}), "v1");
  EXPECT_EQ(ValueAt({1, 2, 3}, 0, "b"), "v2");
  auto stamp = engine_->Put("main", "s", {0, 0, 0}, "v3");
  ASSERT_TRUE(stamp.ok());
  EXPECT_EQ(stamp->revision, 4u);
}

TEST_F(EngineTest, DroppedSpaceStaysGoneAndItsNameCanBeReused) {
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  ASSERT_TRUE(engine_->Put("main", "s", {7}, "old").ok());
  ASSERT_TRUE(engine_->DropSpace("s").ok());
  EXPECT_EQ(engine_->Get({}, "s", {7}).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  EXPECT_EQ(ValueAt({7}), std::nullopt);
  Reopen();
  EXPECT_EQ(ValueAt({7}), std::nullopt);
}

TEST_F(EngineTest, SecondOpenOfTheSameDirectoryIsRefused) {
  EngineOptions options;
  options.data_dir = dir_.path();
  auto second = Engine::Open(options);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace infinitedb
