// Every rule of branch merges a user relies on, one test each: one-sided
// changes taken, equal changes agreeing, conflicts (modify/modify,
// delete/modify, add/add), both deleted, fast-forward, the second merge's
// newer base, strategies and dry runs, conflicts that survive a restart,
// commit refused while any is unresolved, resolutions to ours, theirs, a
// value or a delete, abort, one merge per target, edges, dangling edges.
#include <gtest/gtest.h>

#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

class MergeRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    ASSERT_TRUE(engine_->CreateSpace("loads", 2).ok());
  }
  void Open() {
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_.path();
    options.node_id = 3;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
  void Put(const std::string& branch, Point point, const std::string& value) {
    ASSERT_TRUE(engine_->Put(branch, "loads", point, value).ok());
  }
  void Delete(const std::string& branch, Point point) {
    ASSERT_TRUE(engine_->Delete(branch, "loads", point).ok());
  }
  // The live value, or "-" when there is none.
  std::string Value(const std::string& branch, Point point) {
    auto record = engine_->Get({branch, 0}, "loads", point);
    EXPECT_TRUE(record.ok()) << record.status();
    return record.ok() && *record ? (*record)->value : "-";
  }
  void Fork(const std::string& name, const std::string& parent = "main") {
    ASSERT_TRUE(engine_->CreateBranch(name, parent).ok());
  }
  MergeResult Merge(const std::string& source, const std::string& target,
                    MergeStrategy strategy = MergeStrategy::kFailOnConflict,
                    bool dry_run = false) {
    MergeRequest request{source, target, strategy, dry_run};
    auto result = engine_->Merge(request);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : MergeResult{};
  }
  std::vector<MergeConflict> Conflicts(const std::string& target) {
    std::vector<MergeConflict> all;
    auto page = engine_->ListConflicts(target, 0, "",
                                       [&](const MergeConflict& conflict) {
                                         all.push_back(conflict);
                                         return true;
                                       });
    EXPECT_TRUE(page.ok()) << page.status();
    return all;
  }

  ::infinitedb::testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(MergeRulesTest, OneSidedChangesAreTakenAndTheMergeIsOneRevision) {
  Put("main", {1, 1}, "a");
  Put("main", {2, 2}, "b");
  Fork("option-b");
  Put("option-b", {1, 1}, "a2");   // modified on the source
  Delete("option-b", {2, 2});      // deleted on the source
  Put("option-b", {3, 3}, "new");  // added on the source
  Put("main", {4, 4}, "ours");     // changed on the target only
  const Revision before = engine_->CurrentRevision();
  MergeResult result = Merge("option-b", "main");
  EXPECT_FALSE(result.in_progress);
  EXPECT_FALSE(result.fast_forward);
  EXPECT_EQ(result.taken, 3u);
  EXPECT_EQ(result.conflicts, 0u);
  EXPECT_EQ(result.stamp.revision, before + 1);
  EXPECT_EQ(engine_->CurrentRevision(), before + 1);
  EXPECT_EQ(Value("main", {1, 1}), "a2");
  EXPECT_EQ(Value("main", {2, 2}), "-");
  EXPECT_EQ(Value("main", {3, 3}), "new");
  EXPECT_EQ(Value("main", {4, 4}), "ours");
  // Every change of the merge has the merge's revision.
  auto history = engine_->History({"main", 0}, "loads", {1, 1});
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->front().stamp.revision, before + 1);
}

TEST_F(MergeRulesTest, FastForwardWhenTheTargetDidNotChange) {
  Put("main", {1, 1}, "a");
  Fork("option-b");
  Put("option-b", {1, 1}, "b");
  MergeResult result = Merge("option-b", "main");
  EXPECT_TRUE(result.fast_forward);
  EXPECT_EQ(result.taken, 1u);
  EXPECT_EQ(Value("main", {1, 1}), "b");
}

TEST_F(MergeRulesTest, ChangedOnBothAlikeIsNoConflict) {
  Fork("option-b");
  Put("main", {1, 1}, "same");
  Put("option-b", {1, 1}, "same");
  MergeResult result = Merge("option-b", "main");
  EXPECT_EQ(result.conflicts, 0u);
  EXPECT_EQ(result.unchanged, 1u);
  EXPECT_EQ(result.taken, 0u);
}

TEST_F(MergeRulesTest, DeletedOnBothIsNoConflict) {
  Put("main", {1, 1}, "a");
  Fork("option-b");
  Delete("main", {1, 1});
  Delete("option-b", {1, 1});
  MergeResult result = Merge("option-b", "main");
  EXPECT_EQ(result.conflicts, 0u);
  EXPECT_EQ(Value("main", {1, 1}), "-");
}

TEST_F(MergeRulesTest, DeleteAgainstModifyIsAConflictEitherWay) {
  Put("main", {1, 1}, "a");
  Put("main", {2, 2}, "b");
  Fork("option-b");
  Delete("main", {1, 1});
  Put("option-b", {1, 1}, "a2");
  Put("main", {2, 2}, "b2");
  Delete("option-b", {2, 2});
  MergeResult result = Merge("option-b", "main", MergeStrategy::kFailOnConflict,
                             /*dry_run=*/true);
  ASSERT_EQ(result.conflicts, 2u);
  ASSERT_EQ(result.conflict_sample.size(), 2u);
  std::map<Point, ConflictKind> kinds;
  for (const MergeConflict& c : result.conflict_sample) kinds[c.point] = c.kind;
  EXPECT_EQ(kinds[Point({1, 1})], ConflictKind::kDeletedInTarget);
  EXPECT_EQ(kinds[Point({2, 2})], ConflictKind::kDeletedInSource);
}

TEST_F(MergeRulesTest, FailOnConflictAppliesNothingAndRecordsTheConflicts) {
  Put("main", {1, 1}, "base");
  Fork("option-b");
  Put("main", {1, 1}, "ours");
  Put("option-b", {1, 1}, "theirs");
  Put("option-b", {2, 2}, "one-sided");
  const Revision before = engine_->CurrentRevision();
  MergeResult result = Merge("option-b", "main");
  EXPECT_TRUE(result.in_progress);
  EXPECT_EQ(result.conflicts, 1u);
  EXPECT_EQ(result.stamp.revision, 0u);
  EXPECT_EQ(Value("main", {1, 1}), "ours");
  EXPECT_EQ(Value("main", {2, 2}), "-");  // nothing applied
  std::vector<MergeConflict> conflicts = Conflicts("main");
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].kind, ConflictKind::kBothModified);
  EXPECT_EQ(conflicts[0].base->value, "base");
  EXPECT_EQ(conflicts[0].ours->value, "ours");
  EXPECT_EQ(conflicts[0].theirs->value, "theirs");
  // Only merge bookkeeping was written, on no user-visible address.
  EXPECT_LE(engine_->CurrentRevision(), before + 1);
}

TEST_F(MergeRulesTest, CommitIsRefusedWhileAConflictIsUnresolved) {
  Fork("option-b");
  Put("main", {1, 1}, "ours1");
  Put("option-b", {1, 1}, "theirs1");
  Put("main", {2, 2}, "ours2");
  Put("option-b", {2, 2}, "theirs2");
  ASSERT_TRUE(Merge("option-b", "main").in_progress);
  ResolveRequest one;
  one.target = "main";
  one.space = "loads";
  one.point = {1, 1};
  one.resolution = Resolution::kTheirs;
  ASSERT_TRUE(engine_->ResolveConflict(one).ok());
  auto refused = engine_->CommitMerge("main");
  ASSERT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("1 conflict"), std::string::npos)
      << refused.status();
  EXPECT_EQ(Value("main", {1, 1}), "ours1");  // still nothing applied
}

TEST_F(MergeRulesTest,
       ConflictsSurviveARestartAndCommitAppliesEveryResolution) {
  Put("main", {1, 1}, "base1");
  Put("main", {2, 2}, "base2");
  Put("main", {3, 3}, "base3");
  Put("main", {4, 4}, "base4");
  Fork("option-b");
  for (uint32_t i = 1; i <= 4; ++i) {
    Put("main", {i, i}, "ours" + std::to_string(i));
    Put("option-b", {i, i}, "theirs" + std::to_string(i));
  }
  Put("option-b", {9, 9}, "one-sided");
  ASSERT_TRUE(Merge("option-b", "main").in_progress);
  Open();  // restart
  std::vector<MergeConflict> conflicts = Conflicts("main");
  ASSERT_EQ(conflicts.size(), 4u);
  auto resolve = [&](uint64_t id, Resolution resolution, std::string value) {
    ResolveRequest request;
    request.target = "main";
    request.conflict_id = id;
    request.resolution = resolution;
    request.value = std::move(value);
    ASSERT_TRUE(engine_->ResolveConflict(request).ok());
  };
  std::map<Point, uint64_t> ids;
  for (const MergeConflict& c : conflicts) ids[c.point] = c.id;
  resolve(ids[{1, 1}], Resolution::kOurs, "");
  resolve(ids[{2, 2}], Resolution::kTheirs, "");
  resolve(ids[{3, 3}], Resolution::kValue, "chosen");
  resolve(ids[{4, 4}], Resolution::kDelete, "");
  Open();
  auto status = engine_->GetMergeStatus("main");
  ASSERT_TRUE(status.ok() && status->has_value());
  EXPECT_EQ((*status)->unresolved, 0u);
  const Revision before = engine_->CurrentRevision();
  auto committed = engine_->CommitMerge("main");
  ASSERT_TRUE(committed.ok()) << committed.status();
  EXPECT_EQ(committed->stamp.revision, before + 1);
  EXPECT_EQ(Value("main", {1, 1}), "ours1");
  EXPECT_EQ(Value("main", {2, 2}), "theirs2");
  EXPECT_EQ(Value("main", {3, 3}), "chosen");
  EXPECT_EQ(Value("main", {4, 4}), "-");
  EXPECT_EQ(Value("main", {9, 9}), "one-sided");
  status = engine_->GetMergeStatus("main");
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->has_value());
}

TEST_F(MergeRulesTest, AbortDropsTheMerge) {
  Fork("option-b");
  Put("main", {1, 1}, "ours");
  Put("option-b", {1, 1}, "theirs");
  ASSERT_TRUE(Merge("option-b", "main").in_progress);
  ASSERT_TRUE(engine_->AbortMerge("main").ok());
  EXPECT_FALSE(engine_->GetMergeStatus("main")->has_value());
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->AbortMerge("main")));
  EXPECT_TRUE(
      absl::IsFailedPrecondition(engine_->CommitMerge("main").status()));
  EXPECT_EQ(Value("main", {1, 1}), "ours");
  // The same merge can start again.
  EXPECT_TRUE(Merge("option-b", "main").in_progress);
}

TEST_F(MergeRulesTest, OneMergePerTargetAtATime) {
  Fork("option-b");
  Fork("option-c");
  Put("main", {1, 1}, "ours");
  Put("option-b", {1, 1}, "theirs");
  Put("option-c", {2, 2}, "c");
  ASSERT_TRUE(Merge("option-b", "main").in_progress);
  auto second = engine_->Merge({"option-c", "main"});
  EXPECT_TRUE(absl::IsAborted(second.status())) << second.status();
  EXPECT_EQ(Value("main", {2, 2}), "-");
  // A dry run is still allowed, and changes nothing.
  auto dry = engine_->Merge(
      {"option-c", "main", MergeStrategy::kFailOnConflict, true});
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->taken, 1u);
  EXPECT_EQ(Value("main", {2, 2}), "-");
}

TEST_F(MergeRulesTest, StrategiesDecideConflictsAndDryRunsWriteNothing) {
  Fork("option-b");
  Fork("option-c");
  Put("main", {1, 1}, "ours");
  Put("option-b", {1, 1}, "theirs");
  Put("option-c", {1, 1}, "third");
  const Revision before = engine_->CurrentRevision();
  MergeResult dry =
      Merge("option-b", "main", MergeStrategy::kPreferSource, true);
  EXPECT_EQ(dry.conflicts, 1u);
  EXPECT_EQ(engine_->CurrentRevision(), before);
  EXPECT_EQ(Value("main", {1, 1}), "ours");
  MergeResult kept = Merge("option-b", "main", MergeStrategy::kPreferTarget);
  EXPECT_FALSE(kept.in_progress);
  EXPECT_EQ(Value("main", {1, 1}), "ours");
  MergeResult taken = Merge("option-c", "main", MergeStrategy::kPreferSource);
  EXPECT_FALSE(taken.in_progress);
  EXPECT_EQ(Value("main", {1, 1}), "third");
}

// The first merge's base is the fork: shown as the fork's revision (not the
// parent's newest), in the merge's result, the branch's status and the
// status of a merge stopped at conflicts.
TEST_F(MergeRulesTest, TheBaseOfAFirstMergeIsShownAtTheFork) {
  Put("main", {1, 1}, "base");
  Fork("option-b");
  auto branch = engine_->GetBranchStatus("option-b");
  ASSERT_TRUE(branch.ok()) << branch.status();
  const Revision fork = branch->info.fork_revision;
  Put("main", {1, 1}, "ours");
  Put("main", {2, 2}, "more");
  Put("option-b", {1, 1}, "theirs");
  branch = engine_->GetBranchStatus("option-b");
  ASSERT_TRUE(branch.ok()) << branch.status();
  EXPECT_EQ(branch->base.branch, "main");
  EXPECT_EQ(branch->base.as_of, fork);
  MergeResult dry = Merge("option-b", "main", MergeStrategy::kFailOnConflict,
                          /*dry_run=*/true);
  EXPECT_EQ(dry.base.branch, "main");
  EXPECT_EQ(dry.base.as_of, fork);
  MergeResult stopped = Merge("option-b", "main");
  ASSERT_TRUE(stopped.in_progress);
  EXPECT_EQ(stopped.base.as_of, fork);
  auto merging = engine_->GetMergeStatus("main");
  ASSERT_TRUE(merging.ok() && merging->has_value()) << merging.status();
  EXPECT_EQ((*merging)->base.as_of, fork);
}

TEST_F(MergeRulesTest, TheSecondMergeConsidersOnlyWhatChangedSinceTheFirst) {
  Put("main", {1, 1}, "base");
  Fork("option-b");
  Put("option-b", {1, 1}, "theirs");
  Put("main", {1, 1}, "ours");
  ASSERT_EQ(Merge("option-b", "main", MergeStrategy::kPreferTarget).conflicts,
            1u);
  EXPECT_EQ(Value("main", {1, 1}), "ours");
  // Nothing changed on the source since: nothing to merge, no conflict.
  MergeResult again = Merge("option-b", "main");
  EXPECT_EQ(again.conflicts, 0u);
  EXPECT_EQ(again.taken, 0u);
  EXPECT_EQ(again.base.branch, "option-b");
  // A later change: a new one-sided change is taken; the address changed
  // again against the kept value conflicts again (the base is the source
  // as merged, which the target did not take).
  Put("option-b", {1, 1}, "theirs2");
  Put("option-b", {5, 5}, "later");
  MergeResult third = Merge("option-b", "main", MergeStrategy::kPreferSource);
  EXPECT_EQ(third.conflicts, 1u);
  EXPECT_EQ(third.taken, 1u);
  EXPECT_EQ(Value("main", {1, 1}), "theirs2");
  EXPECT_EQ(Value("main", {5, 5}), "later");
}

TEST_F(MergeRulesTest, AParentMergesIntoItsChild) {
  Put("main", {1, 1}, "a");
  Fork("option-b");
  Put("main", {2, 2}, "main-later");
  Put("option-b", {3, 3}, "own");
  MergeResult result = Merge("main", "option-b");
  EXPECT_EQ(result.conflicts, 0u);
  EXPECT_EQ(Value("option-b", {2, 2}), "main-later");
  EXPECT_EQ(Value("option-b", {3, 3}), "own");
  EXPECT_EQ(Value("main", {3, 3}), "-");
  // Merging back takes only the branch's own change.
  MergeResult back = Merge("option-b", "main");
  EXPECT_EQ(back.conflicts, 0u);
  EXPECT_EQ(back.taken, 1u);
  EXPECT_EQ(Value("main", {3, 3}), "own");
}

TEST_F(MergeRulesTest, BadMergesAreRefusedNamingTheField) {
  Fork("option-b");
  EXPECT_TRUE(absl::IsNotFound(engine_->Merge({"nope", "main"}).status()));
  EXPECT_TRUE(absl::IsNotFound(engine_->Merge({"option-b", "nope"}).status()));
  auto self = engine_->Merge({"main", "main"});
  EXPECT_TRUE(absl::IsInvalidArgument(self.status()));
  EXPECT_NE(self.status().message().find("source"), std::string::npos);
  EXPECT_TRUE(
      absl::IsFailedPrecondition(engine_->CommitMerge("main").status()));
  ResolveRequest nothing;
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->ResolveConflict(nothing)));
}

}  // namespace
}  // namespace infinitedb
