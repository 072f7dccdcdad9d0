// Conditional writes: a put, delete or batch with if_revision happens only
// when the address's current live version has that revision (0 = none);
// otherwise FailedPrecondition names the mutation and the current revision,
// and nothing is written. Under concurrency exactly one of several writers
// that read the same revision wins.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

class ConditionalWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  }

  std::string ValueAt(const Point& point, std::string_view branch = "main") {
    ReadOptions read;
    read.branch = std::string(branch);
    auto record = engine_->Get(read, "s", point);
    if (!record.ok() || !record->has_value()) return "<none>";
    return (*record)->value;
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(ConditionalWriteTest, PutHappensOnlyAtTheExpectedRevision) {
  auto created = engine_->Put("main", "s", {1, 1}, "a", /*if_revision=*/0);
  ASSERT_TRUE(created.ok()) << created.status();
  const Revision after_create = engine_->CurrentRevision();

  auto again = engine_->Put("main", "s", {1, 1}, "b", 0);
  ASSERT_TRUE(absl::IsFailedPrecondition(again.status())) << again.status();
  EXPECT_NE(again.status().message().find("if_revision"), std::string::npos);
  EXPECT_NE(
      again.status().message().find("current revision of the address is " +
                                    std::to_string(created->revision)),
      std::string::npos)
      << again.status();
  EXPECT_EQ(engine_->CurrentRevision(), after_create);  // nothing committed
  EXPECT_EQ(ValueAt({1, 1}), "a");

  auto stale = engine_->Put("main", "s", {1, 1}, "c", created->revision + 7);
  EXPECT_TRUE(absl::IsFailedPrecondition(stale.status()));
  auto updated = engine_->Put("main", "s", {1, 1}, "d", created->revision);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(ValueAt({1, 1}), "d");
  // Unconditional writes are unaffected.
  EXPECT_TRUE(engine_->Put("main", "s", {1, 1}, "e").ok());
}

TEST_F(ConditionalWriteTest, DeleteAndAbsenceAreConditionsToo) {
  auto put = engine_->Put("main", "s", {2, 2}, "x");
  ASSERT_TRUE(put.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(
      engine_->Delete("main", "s", {2, 2}, put->revision + 1).status()));
  EXPECT_EQ(ValueAt({2, 2}), "x");
  ASSERT_TRUE(engine_->Delete("main", "s", {2, 2}, put->revision).ok());
  // A deleted address has no live version: 0 matches it.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      engine_->Put("main", "s", {2, 2}, "y", put->revision).status()));
  EXPECT_TRUE(engine_->Put("main", "s", {2, 2}, "y", 0).ok());
  EXPECT_EQ(ValueAt({2, 2}), "y");
}

TEST_F(ConditionalWriteTest, OneFailedConditionFailsTheWholeBatch) {
  auto put = engine_->Put("main", "s", {3, 3}, "kept");
  ASSERT_TRUE(put.ok());
  const Revision before = engine_->CurrentRevision();
  std::vector<Mutation> batch = {Mutation::Put("s", {4, 4}, "new"),
                                 Mutation::Put("s", {3, 3}, "lost")};
  batch[0].if_revision = 0;                  // holds
  batch[1].if_revision = put->revision + 1;  // does not
  auto result = engine_->Batch("main", batch);
  ASSERT_TRUE(absl::IsFailedPrecondition(result.status())) << result.status();
  EXPECT_NE(result.status().message().find("mutations[1].if_revision"),
            std::string::npos)
      << result.status();
  EXPECT_EQ(engine_->CurrentRevision(), before);
  EXPECT_EQ(ValueAt({4, 4}), "<none>");
  EXPECT_EQ(ValueAt({3, 3}), "kept");
  batch[1].if_revision = put->revision;
  ASSERT_TRUE(engine_->Batch("main", batch).ok());
  EXPECT_EQ(ValueAt({3, 3}), "lost");
}

TEST_F(ConditionalWriteTest, ConditionsReadTheBranch) {
  auto on_main = engine_->Put("main", "s", {5, 5}, "parent");
  ASSERT_TRUE(on_main.ok());
  ASSERT_TRUE(engine_->CreateBranch("b", "main").ok());
  // The branch sees its parent's version.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      engine_->Put("b", "s", {5, 5}, "x", 0).status()));
  auto on_branch = engine_->Put("b", "s", {5, 5}, "child", on_main->revision);
  ASSERT_TRUE(on_branch.ok()) << on_branch.status();
  EXPECT_EQ(ValueAt({5, 5}, "b"), "child");
  EXPECT_EQ(ValueAt({5, 5}, "main"), "parent");
  // Main's version is unchanged, so main's condition still holds.
  EXPECT_TRUE(engine_->Put("main", "s", {5, 5}, "p2", on_main->revision).ok());
}

TEST_F(ConditionalWriteTest, ConditionsHoldAcrossSealing) {
  auto put = engine_->Put("main", "s", {6, 6}, "v");
  ASSERT_TRUE(put.ok());
  ASSERT_TRUE(engine_->Flush().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(
      engine_->Put("main", "s", {6, 6}, "w", 0).status()));
  EXPECT_TRUE(engine_->Put("main", "s", {6, 6}, "w", put->revision).ok());
}

TEST_F(ConditionalWriteTest, OfWritersThatReadTheSameRevisionExactlyOneWins) {
  for (uint32_t round = 0; round < 100; ++round) {
    auto first = engine_->Put("main", "s", {7, round}, "0");
    ASSERT_TRUE(first.ok());
    std::atomic<int> wins{0}, conflicts{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        auto result = engine_->Put("main", "s", {7, round},
                                   std::to_string(w + 1), first->revision);
        if (result.ok()) {
          ++wins;
        } else if (absl::IsFailedPrecondition(result.status())) {
          ++conflicts;
        }
      });
    }
    for (auto& writer : writers) writer.join();
    EXPECT_EQ(wins.load(), 1) << "round " << round;
    EXPECT_EQ(conflicts.load(), 3) << "round " << round;
    ReadOptions read;
    auto history = engine_->History(read, "s", {7, round});
    ASSERT_TRUE(history.ok());
    EXPECT_EQ(history->size(), 2u) << "round " << round;
  }
}

}  // namespace
}  // namespace infinitedb
