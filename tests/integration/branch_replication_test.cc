// Branches that converge across real infdb-server processes (a full mesh of
// three): a branch created on one server, written on two (records and
// edges) while the others write its parent, and merged on the third ends
// with the same records and edges on every server and every branch; what
// the branch sees of its parent is, per address and per edge, the parent's
// newest version stamped at or below the fork, whatever order the changes
// arrived in; its fork stamp is the same everywhere; and drops of the
// branch and of a space reach every server; a merge killed with SIGKILL
// while it commits is all or nothing on every server.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/infdb_client.h"
#include "tests/integration/graph_digest.h"
#include "tests/integration/replication_cluster.h"

namespace infinitedb {
namespace {

using testing::AckedWrite;
using testing::Digest;
using testing::kGraphSpace;
using testing::Node;

constexpr char kBranch[] = "option-b";
// The edge ids the test writes (client-chosen, below any server's range).
const std::set<uint64_t> kIds = {1, 2, 3, 4};

// An undirected "k.pipe" between grid nodes a and b.
v1::Edge Pipe(uint64_t id, std::pair<uint32_t, uint32_t> a,
              std::pair<uint32_t, uint32_t> b, const std::string& tag) {
  v1::Edge edge;
  edge.set_id(id);
  edge.set_kind("k.pipe");
  for (const auto& [x, y] : {a, b}) {
    v1::Endpoint* endpoint = edge.add_endpoints();
    endpoint->set_space(kGraphSpace);
    endpoint->mutable_point()->add_coordinates(x);
    endpoint->mutable_point()->add_coordinates(y);
    endpoint->set_role("end");
  }
  (*edge.mutable_properties())["by"] = tag;
  return edge;
}

class BranchReplicationTest : public testing::ClusterTest {
 protected:
  void SetUp() override {
    MakeNodes(3);
    Peer(0, {1, 2});
    Peer(1, {0, 2});
    Peer(2, {0, 1});
    ASSERT_TRUE(StartAll());
  }

  client::Client& client(int i) { return *nodes_[i].client; }

  // A record write on `branch` of node `i`, kept in `log`.
  void PutRecord(int i, const std::string& branch,
                 std::vector<uint32_t> address, const std::string& value,
                 std::vector<AckedWrite>& log) {
    absl::StatusOr<v1::CommitStamp> stamp =
        client(i).Put(branch, kGraphSpace, address, value);
    ASSERT_TRUE(stamp.ok()) << stamp.status();
    AckedWrite& write = log.emplace_back();
    write.address = std::move(address);
    write.value = value;
    write.hlc = stamp->hlc();
    write.origin = stamp->origin();
  }

  void PutEdge(int i, const std::string& branch, const v1::Edge& edge,
               std::vector<AckedWrite>& log) {
    v1::PutEdgeRequest request;
    request.set_branch(branch);
    *request.mutable_edge() = edge;
    absl::StatusOr<v1::EdgeWriteResponse> put = client(i).PutEdge(request);
    ASSERT_TRUE(put.ok()) << put.status();
    AckedWrite& write = log.emplace_back();
    write.is_edge = true;
    write.edge = edge;
    write.hlc = put->stamp().hlc();
    write.origin = put->stamp().origin();
  }

  void DeleteEdge(int i, const std::string& branch, uint64_t id,
                  std::vector<AckedWrite>& log) {
    v1::DeleteEdgeRequest request;
    request.set_branch(branch);
    request.set_id(id);
    absl::StatusOr<v1::EdgeWriteResponse> deleted =
        client(i).DeleteEdge(request);
    ASSERT_TRUE(deleted.ok()) << deleted.status();
    AckedWrite& write = log.emplace_back();
    write.is_edge = true;
    write.deleted = true;
    write.edge.set_id(id);
    write.hlc = deleted->stamp().hlc();
    write.origin = deleted->stamp().origin();
  }

  // The digests of main and of `branches`, prefixed by branch.
  static absl::StatusOr<Digest> BranchesDigest(
      Node& node, const std::vector<std::string>& branches) {
    Digest all;
    for (const std::string& branch : branches) {
      absl::StatusOr<Digest> digest =
          testing::ReadDigest(*node.client, kIds, branch);
      if (!digest.ok()) return digest.status();
      for (auto& [key, value] : *digest) all[branch + " " + key] = value;
    }
    return all;
  }

  absl::StatusOr<Digest> WaitForSameBranches(
      const std::vector<std::string>& branches) {
    return WaitForAgreement<Digest>(
        [&](Node& node) { return BranchesDigest(node, branches); },
        testing::FirstDifference);
  }

  // The branch as every server reports it; nullopt if one lacks it.
  std::optional<std::vector<v1::Branch>> BranchEverywhere(
      const std::string& name) {
    std::vector<v1::Branch> found;
    for (Node& node : nodes_) {
      absl::StatusOr<std::vector<v1::Branch>> branches =
          node.client->ListBranches();
      if (!branches.ok()) return std::nullopt;
      bool has = false;
      for (const v1::Branch& branch : *branches) {
        if (branch.name() == name) {
          found.push_back(branch);
          has = true;
        }
      }
      if (!has) return std::nullopt;
    }
    return found;
  }

  bool BranchNowhere(const std::string& name) {
    for (Node& node : nodes_) {
      absl::StatusOr<std::vector<v1::Branch>> branches =
          node.client->ListBranches();
      if (!branches.ok()) return false;
      for (const v1::Branch& branch : *branches) {
        if (branch.name() == name) return false;
      }
    }
    return true;
  }
};

// What a branch forked at `fork_hlc` must hold: the parent's writes stamped
// at or below the fork, then the branch's own (all stamped after it).
std::vector<AckedWrite> BranchView(const std::vector<AckedWrite>& parent,
                                   uint64_t fork_hlc,
                                   const std::vector<AckedWrite>& own) {
  std::vector<AckedWrite> view;
  for (const AckedWrite& write : parent) {
    if (write.hlc <= fork_hlc) view.push_back(write);
  }
  view.insert(view.end(), own.begin(), own.end());
  return view;
}

TEST_F(BranchReplicationTest, CreatedOnOneWrittenOnTwoMergedOnAThird) {
  std::vector<AckedWrite> main_log, branch_log;
  ASSERT_TRUE(client(0).CreateSpace(kGraphSpace, 2).ok());
  for (uint32_t x = 0; x < 3; ++x) {
    for (uint32_t y = 0; y < 3; ++y) PutRecord(0, "", {x, y}, "v0", main_log);
  }
  PutEdge(0, "", Pipe(1, {0, 0}, {1, 1}, "v0"), main_log);
  PutEdge(0, "", Pipe(2, {1, 1}, {2, 2}, "v0"), main_log);
  ASSERT_TRUE(WaitForSameBranches({""}).ok());

  absl::StatusOr<v1::Branch> created = client(0).CreateBranch(kBranch, "");
  ASSERT_TRUE(created.ok()) << created.status();
  const uint64_t fork_hlc = created->fork_hlc();
  ASSERT_NE(fork_hlc, 0u);
  // The others write main meanwhile, maybe before the creation reaches
  // them: past the fork's millisecond, so after it on any clock.
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  PutRecord(1, "", {0, 0}, "main-after-fork", main_log);
  PutEdge(1, "", Pipe(1, {0, 0}, {2, 0}, "main-after-fork"), main_log);
  PutRecord(2, "", {2, 2}, "n3-main", main_log);

  ASSERT_TRUE(testing::PollUntil(
      [&] { return BranchEverywhere(kBranch).has_value(); }));
  const std::optional<std::vector<v1::Branch>> everywhere =
      BranchEverywhere(kBranch);
  ASSERT_TRUE(everywhere.has_value());
  for (const v1::Branch& branch : *everywhere) {
    EXPECT_EQ(branch.fork_hlc(), fork_hlc);
    EXPECT_EQ(branch.parent(), "main");
  }
  // Written on two servers: records and edges, a delete of a parent edge.
  PutRecord(0, kBranch, {1, 0}, "from-node-1", branch_log);
  PutEdge(0, kBranch, Pipe(3, {1, 0}, {0, 1}, "from-node-1"), branch_log);
  PutRecord(1, kBranch, {2, 0}, "from-node-2", branch_log);
  DeleteEdge(1, kBranch, 2, branch_log);

  absl::StatusOr<Digest> agreed = WaitForSameBranches({"", kBranch});
  ASSERT_TRUE(agreed.ok()) << agreed.status();
  const Digest main_expected = testing::ExpectedDigest(main_log, kIds);
  const Digest branch_expected =
      testing::ExpectedDigest(BranchView(main_log, fork_hlc, branch_log), kIds);
  Digest all_expected;
  for (const auto& [key, value] : main_expected) {
    all_expected[" " + key] = value;
  }
  for (const auto& [key, value] : branch_expected) {
    all_expected[std::string(kBranch) + " " + key] = value;
  }
  EXPECT_TRUE(*agreed == all_expected)
      << "first difference (replicated vs expected): "
      << testing::FirstDifference(*agreed, all_expected);

  // Merged on the third server: every server ends with the merge.
  v1::MergeRequest merge;
  merge.set_source(kBranch);
  absl::StatusOr<v1::MergeResponse> merged = client(2).Merge(merge);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->conflicts(), 0u);
  EXPECT_NE(merged->stamp().revision(), 0u);
  agreed = WaitForSameBranches({"", kBranch});
  ASSERT_TRUE(agreed.ok()) << agreed.status();
  auto value_on_main = [&](const std::string& point) {
    auto it = agreed->find(" record " + point);
    return it == agreed->end() ? std::string("absent") : it->second;
  };
  EXPECT_NE(value_on_main("(0,0)").find("'main-after-fork'"),
            std::string::npos);
  EXPECT_NE(value_on_main("(1,0)").find("'from-node-1'"), std::string::npos);
  EXPECT_NE(value_on_main("(2,0)").find("'from-node-2'"), std::string::npos);
  EXPECT_NE(value_on_main("(2,2)").find("'n3-main'"), std::string::npos);
  EXPECT_NE(value_on_main("(1,1)").find("'v0'"), std::string::npos);
  EXPECT_NE(agreed->at(" get 1").find("main-after-fork"), std::string::npos);
  EXPECT_EQ(agreed->at(" get 2"), "absent");
  EXPECT_NE(agreed->at(" get 3").find("from-node-1"), std::string::npos);

  // Dropped on the second: gone everywhere.
  ASSERT_TRUE(client(1).DropBranch(kBranch).ok());
  EXPECT_TRUE(testing::PollUntil([&] { return BranchNowhere(kBranch); }));
}

TEST_F(BranchReplicationTest, SpaceDropReachesEveryServer) {
  ASSERT_TRUE(client(0).CreateSpace("scratch", 1).ok());
  ASSERT_TRUE(client(0).Put("", "scratch", {1}, "x").ok());
  ASSERT_TRUE(WaitForSpace("scratch"));
  ASSERT_TRUE(client(2).DropSpace("scratch").ok());
  EXPECT_TRUE(testing::PollUntil([&] {
    for (Node& node : nodes_) {
      if (!absl::IsNotFound(node.client->GetSpace("scratch").status())) {
        return false;
      }
    }
    return true;
  }));
  // The name can be used again, and the new space replicates.
  ASSERT_TRUE(client(1).CreateSpace("scratch", 2).ok());
  ASSERT_TRUE(client(1).Put("", "scratch", {1, 2}, "again").ok());
  EXPECT_TRUE(testing::PollUntil([&] {
    for (Node& node : nodes_) {
      absl::StatusOr<v1::Space> space = node.client->GetSpace("scratch");
      if (!space.ok() || space->dims() != 2) return false;
    }
    return true;
  }));
}

// Records of main on node `i` whose value starts with `prefix`; nullopt
// when the read fails.
std::optional<uint64_t> CountOnMain(client::Client& client,
                                    const std::string& prefix) {
  v1::QueryRequest query;
  query.set_space(kGraphSpace);
  uint64_t count = 0;
  absl::StatusOr<client::QuerySummary> read =
      client.Query(query, [&](const v1::Record& record) {
        if (record.value().rfind(prefix, 0) == 0) ++count;
        return true;
      });
  if (!read.ok()) return std::nullopt;
  return count;
}

TEST_F(BranchReplicationTest, MergeKilledMidCommitIsAllOrNothingEverywhere) {
  constexpr uint32_t kChanged = 20000;
  ASSERT_TRUE(client(0).CreateSpace(kGraphSpace, 2).ok());
  ASSERT_TRUE(client(0).Put("", kGraphSpace, {0, 0}, "seed").ok());
  // Kill points spread over a merge of this size (about 100 ms here).
  const int delays_ms[] = {10, 40, 70, 100, 140};
  for (int cycle = 0; cycle < 5; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    const std::string branch = "kill-" + std::to_string(cycle);
    const std::string prefix = "c" + std::to_string(cycle) + "-";
    ASSERT_TRUE(client(0).CreateBranch(branch, "").ok());
    for (uint32_t first = 0; first < kChanged; first += 1000) {
      v1::BatchRequest batch;
      batch.set_branch(branch);
      for (uint32_t i = first; i < first + 1000; ++i) {
        v1::Mutation* mutation = batch.add_mutations();
        mutation->set_space(kGraphSpace);
        mutation->mutable_point()->add_coordinates(100 + cycle);
        mutation->mutable_point()->add_coordinates(i);
        mutation->set_put_value(prefix + std::to_string(i));
      }
      ASSERT_TRUE(client(0).Batch(batch).ok());
    }
    ASSERT_TRUE(WaitForSameBranches({"", branch}).ok());

    // SIGKILL while the merge may be committing (or before, or after).
    std::thread merger([&] {
      v1::MergeRequest merge;
      merge.set_source(branch);
      (void)client(0).Merge(merge);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(delays_ms[cycle]));
    nodes_[0].process->Kill();
    merger.join();
    ASSERT_TRUE(StartNode(0));
    ASSERT_TRUE(WaitForSameBranches({""}).ok());
    std::optional<uint64_t> merged = CountOnMain(client(0), prefix);
    ASSERT_TRUE(merged.has_value());
    for (int i = 1; i < 3; ++i) {
      EXPECT_EQ(CountOnMain(client(i), prefix), merged) << "node " << i + 1;
    }
    EXPECT_TRUE(*merged == 0 || *merged == kChanged)
        << *merged << " of " << kChanged << " records merged";
    if (*merged == 0) {  // not applied: merging again applies it once
      v1::MergeRequest merge;
      merge.set_source(branch);
      absl::StatusOr<v1::MergeResponse> again = client(0).Merge(merge);
      ASSERT_TRUE(again.ok()) << again.status();
      EXPECT_EQ(again->taken(), kChanged);
    }
    ASSERT_TRUE(WaitForSameBranches({""}).ok());
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(CountOnMain(client(i), prefix), kChanged) << "node " << i + 1;
    }
  }
}

}  // namespace
}  // namespace infinitedb
