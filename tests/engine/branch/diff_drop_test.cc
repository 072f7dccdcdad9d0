// Diffs between branches and between revisions (classified, with values,
// in a box, paged by cursor), merges of hyperedges with the dangling edges
// they leave, branch status against the parent, and dropping branches.
#include <gtest/gtest.h>

#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

class BranchDiffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    ASSERT_TRUE(engine_->CreateSpace("frame", 2).ok());
  }
  void Open() {
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_.path();
    options.node_id = 4;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
  void Put(const std::string& branch, Point point, const std::string& value) {
    ASSERT_TRUE(engine_->Put(branch, "frame", point, value).ok());
  }
  std::vector<DiffEntry> DiffAll(DiffRequest request) {
    std::vector<DiffEntry> all;
    while (true) {
      auto page = engine_->Diff(request, [&](const DiffEntry& entry) {
        all.push_back(entry);
        return true;
      });
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok() || page->next_cursor.empty()) return all;
      request.cursor = page->next_cursor;
    }
  }
  Edge Beam(Point a, Point b) {
    return Edge{0,
                "beam.bears_on",
                {{"frame", std::move(a), "beam", Polarity::kTail},
                 {"frame", std::move(b), "column", Polarity::kHead}},
                true};
  }

  ::infinitedb::testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(BranchDiffTest, ClassifiesEachChangeWithItsValues) {
  Put("main", {1, 1}, "a");
  Put("main", {2, 2}, "b");
  ASSERT_TRUE(engine_->CreateBranch("option-b", "main").ok());
  Put("option-b", {1, 1}, "a2");
  ASSERT_TRUE(engine_->Delete("option-b", "frame", {2, 2}).ok());
  Put("option-b", {3, 3}, "c");
  Put("option-b", {4, 4}, "x");
  ASSERT_TRUE(engine_->Delete("option-b", "frame", {4, 4}).ok());  // no net
  std::vector<DiffEntry> diff = DiffAll({{"main", 0}, {"option-b", 0}});
  ASSERT_EQ(diff.size(), 3u);
  std::map<Point, DiffEntry> by_point;
  for (const DiffEntry& entry : diff) by_point[entry.point] = entry;
  EXPECT_EQ(by_point[Point({1, 1})].kind, ChangeKind::kModified);
  EXPECT_EQ(by_point[Point({1, 1})].before->value, "a");
  EXPECT_EQ(by_point[Point({1, 1})].after->value, "a2");
  EXPECT_EQ(by_point[Point({2, 2})].kind, ChangeKind::kRemoved);
  EXPECT_FALSE(by_point[Point({2, 2})].after.has_value());
  EXPECT_EQ(by_point[Point({3, 3})].kind, ChangeKind::kAdded);
  // The other way round, additions are removals.
  std::vector<DiffEntry> back = DiffAll({{"option-b", 0}, {"main", 0}});
  ASSERT_EQ(back.size(), 3u);
}

TEST_F(BranchDiffTest, BetweenRevisionsOfOneBranchInABoxAndPaged) {
  Put("main", {1, 1}, "early");
  const Revision early = engine_->CurrentRevision();
  for (uint32_t i = 0; i < 50; ++i) Put("main", {i, 100 + i}, "v");
  Put("main", {1, 1}, "late");
  DiffRequest request{{"main", early}, {"main", 0}};
  request.limit = 7;
  std::vector<DiffEntry> all = DiffAll(request);
  EXPECT_EQ(all.size(), 51u);
  std::set<Point> distinct;
  for (const DiffEntry& entry : all) distinct.insert(entry.point);
  EXPECT_EQ(distinct.size(), 51u);
  // The spatial diff: only what changed inside the box.
  DiffRequest boxed{
      {"main", early}, {"main", 0}, "frame", Box{{0, 100}, {9, 109}}};
  EXPECT_EQ(DiffAll(boxed).size(), 10u);
  DiffRequest bad_box{{"main", early}, {"main", 0}, "frame", Box{{0}, {9}}};
  auto refused = engine_->Diff(bad_box, [](const DiffEntry&) { return true; });
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status()));
  auto beyond = engine_->Diff({{"main", 999999}, {"main", 0}},
                              [](const DiffEntry&) { return true; });
  EXPECT_TRUE(absl::IsOutOfRange(beyond.status()));
  auto unknown = engine_->Diff({{"nope", 0}, {"main", 0}},
                               [](const DiffEntry&) { return true; });
  EXPECT_TRUE(absl::IsNotFound(unknown.status()));
}

TEST_F(BranchDiffTest, EdgesDiffAndMergeAndDanglingEndpointsAreReported) {
  Put("main", {1, 1}, "beam");
  Put("main", {2, 2}, "column");
  Put("main", {3, 3}, "column");
  ASSERT_TRUE(engine_->CreateBranch("option-b", "main").ok());
  auto edge = engine_->PutEdge("option-b", Beam({1, 1}, {3, 3}));
  ASSERT_TRUE(edge.ok()) << edge.status();
  const EdgeId id = edge->edge_ids[0];
  // The target deletes an endpoint the source's new edge needs.
  ASSERT_TRUE(engine_->Delete("main", "frame", {3, 3}).ok());
  std::vector<DiffEntry> diff = DiffAll({{"main", 0}, {"option-b", 0}});
  bool saw_edge = false;
  for (const DiffEntry& entry : diff) {
    if (!entry.is_edge) continue;
    saw_edge = true;
    EXPECT_EQ(entry.edge_id, id);
    EXPECT_EQ(entry.kind, ChangeKind::kAdded);
    ASSERT_TRUE(entry.after_edge.has_value());
    EXPECT_EQ(entry.after_edge->kind, "beam.bears_on");
  }
  EXPECT_TRUE(saw_edge);
  auto merged = engine_->Merge({"option-b", "main"});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->conflicts, 0u);
  auto on_main = engine_->GetEdge({"main", 0}, id);
  ASSERT_TRUE(on_main.ok() && on_main->has_value());
  EXPECT_EQ(merged->dangling_edges, std::vector<EdgeId>{id});
  // The index follows: the edge is incident to its beam on main.
  std::vector<EdgeId> incident;
  ASSERT_TRUE(engine_
                  ->Incident({{"main", 0}, {"frame", {1, 1}}, {}},
                             [&](const Incidence& i) {
                               incident.push_back(i.edge.id);
                               return true;
                             })
                  .ok());
  EXPECT_EQ(incident, std::vector<EdgeId>{id});
}

TEST_F(BranchDiffTest, StatusCountsEachSidesChangesAndShowsTheHead) {
  Put("main", {1, 1}, "a");
  ASSERT_TRUE(engine_->CreateBranch("option-b", "main").ok());
  Put("option-b", {1, 1}, "b");
  Put("option-b", {2, 2}, "c");
  const Revision head = engine_->CurrentRevision();
  Put("main", {5, 5}, "d");
  auto status = engine_->GetBranchStatus("option-b");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->info.parent, "main");
  EXPECT_EQ(status->info.head_revision, head);
  EXPECT_EQ(status->changed_on_branch, 2u);
  EXPECT_EQ(status->changed_on_parent, 1u);
  EXPECT_EQ(status->base.branch, "main");
  Open();  // heads survive a restart, sealed or not
  ASSERT_TRUE(engine_->Flush().ok());
  Open();
  for (const BranchInfo& info : engine_->ListBranches()) {
    if (info.name == "option-b") EXPECT_EQ(info.head_revision, head);
  }
}

TEST_F(BranchDiffTest, DropBranchRefusesChildrenAndMergesAndForgetsItsData) {
  ASSERT_TRUE(engine_->CreateBranch("option-b", "main").ok());
  ASSERT_TRUE(engine_->CreateBranch("option-c", "option-b").ok());
  Put("option-b", {1, 1}, "mine");
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->DropBranch("main")));
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->DropBranch("option-b")));
  EXPECT_TRUE(absl::IsNotFound(engine_->DropBranch("nope")));
  ASSERT_TRUE(engine_->DropBranch("option-c").ok());
  // A merge in progress from the branch holds it.
  Put("main", {1, 1}, "ours");
  auto merge = engine_->Merge({"option-b", "main"});
  ASSERT_TRUE(merge.ok() && merge->in_progress);
  EXPECT_TRUE(absl::IsFailedPrecondition(engine_->DropBranch("option-b")));
  ASSERT_TRUE(engine_->AbortMerge("main").ok());
  ASSERT_TRUE(engine_->Flush().ok());
  const uint64_t records_before = engine_->Stats().segment_records;
  ASSERT_TRUE(engine_->DropBranch("option-b").ok());
  // Compaction removes the dropped branch's versions.
  ASSERT_TRUE(engine_->Compact("frame").ok());
  EXPECT_LT(engine_->Stats().segment_records, records_before);
  Open();
  EXPECT_EQ(engine_->ListBranches().size(), 1u);
  EXPECT_TRUE(absl::IsNotFound(
      engine_->Get({"option-b", 0}, "frame", {1, 1}).status()));
  // A new branch of the same name starts from main, not from the old data.
  ASSERT_TRUE(engine_->CreateBranch("option-b", "main").ok());
  auto record = engine_->Get({"option-b", 0}, "frame", {1, 1});
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->value, "ours");
}

}  // namespace
}  // namespace infinitedb
