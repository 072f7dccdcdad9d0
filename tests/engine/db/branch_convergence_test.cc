// Branches that converge across servers: three real engines exchange their
// change streams. A branch created on one, written on two and merged on the
// third ends with the same records on every server and every branch; its
// fork is its creation's stamp, so a parent write made elsewhere after the
// fork is not in the branch anywhere; branch and space drops replicate.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "engine/public/engine.h"
#include "engine/replication/catalog_events.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

constexpr size_t kAllBytes = 64u << 20;

using Contents = std::map<std::pair<std::string, Point>, std::string>;

class BranchConvergenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (uint32_t node = 1; node <= 3; ++node) {
      EngineOptions options;
      options.durability = Durability::kAsync;
      options.node_id = node;
      options.data_dir = dirs_[node - 1].path();
      auto engine = Engine::Open(options);
      ASSERT_TRUE(engine.ok()) << engine.status();
      engines_.push_back(std::move(*engine));
    }
  }

  Engine& node(int i) { return *engines_[i]; }

  // Applies what `from` has that `to` has not read yet.
  void Send(int from, int to) {
    Revision& cursor = cursors_[{from, to}];
    absl::StatusOr<ChangeBatch> batch =
        node(from).ReadChanges({cursor}, kAllBytes);
    ASSERT_TRUE(batch.ok()) << batch.status();
    for (const ChangeSet& change : batch->changes) {
      auto applied =
          node(to).ApplyReplicated(from + 1, change.revision, change.ops);
      ASSERT_TRUE(applied.ok()) << applied.status();
    }
    cursor = batch->next.after;
  }

  // Every server sends to every other until nothing new moves.
  void ExchangeAll() {
    for (int round = 0; round < 4; ++round) {
      for (int from = 0; from < 3; ++from) {
        for (int to = 0; to < 3; ++to) {
          if (from != to) Send(from, to);
        }
      }
    }
  }

  static Contents Dump(Engine& engine, const std::string& branch) {
    Contents contents;
    for (const SpaceInfo& space : engine.ListSpaces()) {
      QueryRequest request;
      request.branch = branch;
      request.space = space.name;
      auto result = engine.Query(request, [&](const RecordView& record) {
        Point point;
        for (int axis = 0; axis < record.dims(); ++axis) {
          point.push_back(record.coordinate(axis));
        }
        contents[{space.name, point}] = std::string(record.value);
        return true;
      });
      EXPECT_TRUE(result.ok()) << result.status();
    }
    return contents;
  }

  static std::vector<std::string> Branches(Engine& engine) {
    std::vector<std::string> names;
    for (const BranchInfo& branch : engine.ListBranches()) {
      names.push_back(branch.name);
    }
    return names;
  }

  void ExpectAllEqual(const std::string& branch) {
    const Contents first = Dump(node(0), branch);
    for (int i = 1; i < 3; ++i) {
      EXPECT_EQ(Dump(node(i), branch), first)
          << "node " << i + 1 << " on " << branch;
    }
  }

  void Put(int i, const std::string& branch, const std::string& space,
           Point point, const std::string& value) {
    ASSERT_TRUE(node(i).Put(branch, space, point, value).ok());
  }

  testing::TempDir dirs_[3];
  std::vector<std::unique_ptr<Engine>> engines_;
  std::map<std::pair<int, int>, Revision> cursors_;
};

TEST_F(BranchConvergenceTest, CreatedOnOneWrittenOnTwoMergedOnAThird) {
  ASSERT_TRUE(node(0).CreateSpace("parts", 2).ok());
  for (uint32_t x = 0; x < 4; ++x) Put(0, "main", "parts", {x, 0}, "v0");
  ExchangeAll();
  ASSERT_TRUE(node(0).CreateBranch("option-b", "main").ok());
  // Node 2 writes main after the fork, before it learns of the branch. Its
  // clock has moved past the fork's millisecond: without that the write is
  // concurrent with the fork, and the stamps alone decide (alike
  // everywhere) whether the branch sees it.
  absl::SleepFor(absl::Milliseconds(3));
  Put(1, "main", "parts", {0, 0}, "main-after-fork");
  ExchangeAll();
  for (int i = 0; i < 3; ++i) {
    auto record = node(i).Get({"option-b", 0}, "parts", {0, 0});
    ASSERT_TRUE(record.ok() && record->has_value()) << "node " << i + 1;
    EXPECT_EQ((*record)->value, "v0") << "node " << i + 1;
  }
  Put(0, "option-b", "parts", {1, 0}, "from-node-1");
  Put(1, "option-b", "parts", {2, 0}, "from-node-2");
  ExchangeAll();
  ExpectAllEqual("option-b");
  ExpectAllEqual("main");

  MergeRequest merge;
  merge.source = "option-b";
  auto merged = node(2).Merge(merge);
  ASSERT_TRUE(merged.ok()) << merged.status();
  ExchangeAll();
  ExpectAllEqual("main");
  const Contents main = Dump(node(0), "main");
  EXPECT_EQ(main.at({"parts", {0, 0}}), "main-after-fork");
  EXPECT_EQ(main.at({"parts", {1, 0}}), "from-node-1");
  EXPECT_EQ(main.at({"parts", {2, 0}}), "from-node-2");
  EXPECT_EQ(main.at({"parts", {3, 0}}), "v0");
}

TEST_F(BranchConvergenceTest, BranchAndSpaceDropsReplicate) {
  ASSERT_TRUE(node(0).CreateSpace("parts", 1).ok());
  ASSERT_TRUE(node(0).CreateSpace("scratch", 1).ok());
  Put(0, "main", "parts", {1}, "kept");
  Put(0, "main", "scratch", {1}, "dropped");
  ASSERT_TRUE(node(0).CreateBranch("option-c", "main").ok());
  Put(0, "option-c", "parts", {2}, "on-c");
  ExchangeAll();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Branches(node(i)),
              (std::vector<std::string>{"main", "option-c"}));
  }
  ASSERT_TRUE(node(1).DropBranch("option-c").ok());
  ASSERT_TRUE(node(2).DropSpace("scratch").ok());
  ExchangeAll();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Branches(node(i)), (std::vector<std::string>{"main"}))
        << "node " << i + 1;
    EXPECT_TRUE(absl::IsNotFound(node(i).GetSpace("scratch").status()))
        << "node " << i + 1;
    EXPECT_TRUE(node(i).GetSpace("parts").ok());
  }
  // A late write to the dropped branch, stamped before its drop, stays
  // dropped; a new branch of the same name starts afresh everywhere.
  ASSERT_TRUE(node(0).CreateBranch("option-c", "main").ok());
  ExchangeAll();
  ExpectAllEqual("option-c");
  EXPECT_FALSE(Dump(node(1), "option-c").contains({"parts", {2}}));
}

TEST_F(BranchConvergenceTest, BranchesSurviveReopenWithTheirForkStamp) {
  ASSERT_TRUE(node(0).CreateSpace("parts", 1).ok());
  Put(0, "main", "parts", {1}, "before");
  auto created = node(0).CreateBranch("option-d", "main");
  ASSERT_TRUE(created.ok());
  EXPECT_NE(created->fork_hlc, 0u);
  Put(0, "main", "parts", {1}, "after");
  ExchangeAll();
  for (int i = 0; i < 3; ++i) {
    bool found = false;
    for (const BranchInfo& branch : node(i).ListBranches()) {
      if (branch.name != "option-d") continue;
      found = true;
      EXPECT_EQ(branch.fork_hlc, created->fork_hlc) << "node " << i + 1;
    }
    EXPECT_TRUE(found) << "node " << i + 1;
    auto record = node(i).Get({"option-d", 0}, "parts", {1});
    ASSERT_TRUE(record.ok() && record->has_value());
    EXPECT_EQ((*record)->value, "before") << "node " << i + 1;
  }
}

// Two servers fork the same two names in opposite orders (x then y from x,
// y then x from y): the later creations would make a branch its own
// ancestor. Each server keeps a fork that is no cycle, and reads of both
// branches answer.
TEST_F(BranchConvergenceTest, CrossedForksMakeNoCycle) {
  ASSERT_TRUE(node(0).CreateSpace("parts", 1).ok());
  Put(0, "main", "parts", {1}, "v");
  ExchangeAll();
  ASSERT_TRUE(node(0).CreateBranch("x", "main").ok());
  ASSERT_TRUE(node(0).CreateBranch("y", "x").ok());
  ASSERT_TRUE(node(1).CreateBranch("y", "main").ok());
  ASSERT_TRUE(node(1).CreateBranch("x", "y").ok());
  ExchangeAll();
  for (int i = 0; i < 3; ++i) {
    for (const std::string branch : {"x", "y"}) {
      auto record = node(i).Get({branch, 0}, "parts", {1});
      ASSERT_TRUE(record.ok()) << record.status();
      ASSERT_TRUE(record->has_value()) << branch << " on node " << i + 1;
      EXPECT_EQ((*record)->value, "v");
    }
  }
}

// A catalogue event may not drop a system space or make or drop main: the
// batch is refused and changes nothing.
TEST_F(BranchConvergenceTest, CatalogueEventsAboutSystemNamesAreRefused) {
  ASSERT_TRUE(node(0).CreateSpace("parts", 1).ok());
  Put(0, "main", "parts", {1}, "v");
  ExchangeAll();
  ASSERT_TRUE(node(0).DropSpace("parts").ok());
  absl::StatusOr<ChangeBatch> batch =
      node(0).ReadChanges({node(0).CurrentRevision() - 1}, kAllBytes);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->changes.size(), 1u);
  ChangeOp drop = batch->changes[0].ops.at(0);
  ASSERT_EQ(drop.space, kCatalogEventsSpace);
  // The same record, naming __graph.edges instead of parts.
  drop.value = replication::EncodeCatalogEvent(
      {replication::CatalogEventKind::kSpaceDropped, kGraphEdgesSpace, "", 0,
       0});
  drop.point = replication::CatalogEventPoint(true, kGraphEdgesSpace);
  drop.hlc += 1000;
  const Revision before = node(1).CurrentRevision();
  const std::vector<ChangeOp> ops = {drop};
  auto applied = node(1).ApplyReplicated(1, 99, ops);
  EXPECT_TRUE(absl::IsInvalidArgument(applied.status())) << applied.status();
  EXPECT_EQ(node(1).CurrentRevision(), before);
  EXPECT_TRUE(node(1).GetSpace("parts").ok());
}

}  // namespace
}  // namespace infinitedb
