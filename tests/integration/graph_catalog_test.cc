// Integration test of the graph's kind catalogue, dangling edges and edge
// limits through the C++ client against real infdb-server processes:
// DeclareKind and ListKinds; --unknown-edge-labels=reject refusing an
// undeclared kind or role over every write rpc (INVALID_ARGUMENT naming the
// field, nothing written), warn writing it with a warning in the log;
// DanglingEdges after records are deleted (as of a revision, on a branch,
// paged); --reject-dangling-edges; and the --max-edge-* limits.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using C = absl::StatusCode;

v1::Point P(uint32_t x, uint32_t y) {
  v1::Point point;
  point.add_coordinates(x);
  point.add_coordinates(y);
  return point;
}

v1::Endpoint* AddEndpoint(v1::Edge& edge, uint32_t x, uint32_t y,
                          const std::string& role,
                          v1::Polarity polarity = v1::POLARITY_NEUTRAL) {
  v1::Endpoint* endpoint = edge.add_endpoints();
  endpoint->set_space("s");
  *endpoint->mutable_point() = P(x, y);
  endpoint->set_role(role);
  endpoint->set_polarity(polarity);
  return endpoint;
}

// A directed beam.bears_on from a beam at (x, 1) to a column at (x, 2).
v1::Edge BearsOn(uint32_t x) {
  v1::Edge edge;
  edge.set_kind("beam.bears_on");
  edge.set_directed(true);
  AddEndpoint(edge, x, 1, "beam", v1::POLARITY_TAIL);
  AddEndpoint(edge, x, 2, "column", v1::POLARITY_HEAD);
  return edge;
}

// An undirected edge of `kind` between (x1, y1) and (x2, y2).
v1::Edge Undirected(const std::string& kind, uint32_t x1, uint32_t y1,
                    uint32_t x2, uint32_t y2) {
  v1::Edge edge;
  edge.set_kind(kind);
  AddEndpoint(edge, x1, y1, "a");
  AddEndpoint(edge, x2, y2, "b");
  return edge;
}

// The status has `code` and a message that starts with "`field`: ".
void ExpectRefused(const absl::Status& status, C code,
                   const std::string& field) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(std::string(status.message()).rfind(field + ": ", 0), 0u)
      << "expected '" << field << ": ' first in: " << status;
}

class GraphCatalogTest : public ::testing::Test {
 protected:
  // A server with `flags` and space s (2 dimensions).
  void Start(std::vector<std::string> flags = {}) {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data",
                                                       std::move(flags));
    ASSERT_TRUE(server_->Start());
    client::ClientOptions options;
    options.target = server_->address();
    client_ = std::make_unique<client::Client>(options);
    ASSERT_TRUE(client_->CreateSpace("s", 2).ok());
  }

  absl::StatusOr<uint64_t> Put(const v1::Edge& edge) {
    v1::PutEdgeRequest request;
    *request.mutable_edge() = edge;
    absl::StatusOr<v1::EdgeWriteResponse> put = client_->PutEdge(request);
    if (!put.ok()) return put.status();
    return put->id();
  }

  absl::Status Declare(const std::string& kind, bool directed,
                       const std::vector<std::string>& roles) {
    v1::DeclareKindRequest request;
    request.set_kind(kind);
    request.set_directed(directed);
    request.mutable_roles()->Assign(roles.begin(), roles.end());
    return client_->DeclareKind(request).status();
  }

  uint64_t Revision() {
    auto stats = client_->Stats();
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->revision() : 0;
  }

  // The ids DanglingEdges returns for `request`, and its summary.
  std::set<uint64_t> Dangling(const v1::DanglingEdgesRequest& request,
                              client::GraphPageSummary* summary = nullptr) {
    std::set<uint64_t> ids;
    auto page = client_->DanglingEdges(request, [&](const v1::Edge& edge) {
      ids.insert(edge.id());
      return true;
    });
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok() && summary != nullptr) *summary = *page;
    return ids;
  }

  std::string Log() const {
    std::ifstream log(server_->log_path());
    return std::string((std::istreambuf_iterator<char>(log)),
                       std::istreambuf_iterator<char>());
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<client::Client> client_;
};

TEST_F(GraphCatalogTest, DeclaredKindsAreListedInKindOrder) {
  Start();
  auto kinds = client_->ListKinds();
  ASSERT_TRUE(kinds.ok()) << kinds.status();
  EXPECT_TRUE(kinds->empty());
  ASSERT_TRUE(Declare("brace", false, {}).ok());
  ASSERT_TRUE(Declare("beam.bears_on", true, {"beam", "column"}).ok());
  kinds = client_->ListKinds();
  ASSERT_TRUE(kinds.ok()) << kinds.status();
  ASSERT_EQ(kinds->size(), 2u);
  EXPECT_EQ((*kinds)[0].kind(), "beam.bears_on");
  EXPECT_TRUE((*kinds)[0].directed());
  EXPECT_EQ(std::vector<std::string>((*kinds)[0].roles().begin(),
                                     (*kinds)[0].roles().end()),
            (std::vector<std::string>{"beam", "column"}));
  EXPECT_EQ((*kinds)[1].kind(), "brace");
  EXPECT_FALSE((*kinds)[1].directed());
  EXPECT_EQ((*kinds)[1].roles_size(), 0);
  // Declaring again replaces the declaration.
  ASSERT_TRUE(Declare("brace", false, {"end"}).ok());
  kinds = client_->ListKinds();
  ASSERT_TRUE(kinds.ok());
  ASSERT_EQ(kinds->size(), 2u);
  EXPECT_EQ((*kinds)[1].roles_size(), 1);

  const uint64_t before = Revision();
  ExpectRefused(Declare("", false, {}), C::kInvalidArgument, "kind");
  ExpectRefused(Declare("k", false, {"a", ""}), C::kInvalidArgument,
                "roles[1]");
  ExpectRefused(Declare(std::string(257, 'k'), false, {}), C::kInvalidArgument,
                "kind");
  EXPECT_EQ(Revision(), before);
  EXPECT_EQ(client_->ListKinds()->size(), 2u);
}

TEST_F(GraphCatalogTest, RejectRefusesUndeclaredKindsAndRolesOnEveryWrite) {
  Start({"--unknown-edge-labels=reject"});
  ASSERT_TRUE(Declare("beam.bears_on", true, {"beam", "column"}).ok());
  const uint64_t before = Revision();
  ExpectRefused(Put(Undirected("brace", 1, 1, 2, 2)).status(),
                C::kInvalidArgument, "edge.kind");
  v1::Edge wrong_role = BearsOn(1);
  wrong_role.mutable_endpoints(1)->set_role("footing");
  ExpectRefused(Put(wrong_role).status(), C::kInvalidArgument,
                "edge.endpoints[1].role");
  // The direction must match the declaration, whatever the policy.
  v1::Edge undirected = Undirected("beam.bears_on", 1, 1, 2, 2);
  undirected.mutable_endpoints(0)->set_role("beam");
  undirected.mutable_endpoints(1)->set_role("column");
  ExpectRefused(Put(undirected).status(), C::kInvalidArgument, "edge.directed");
  v1::GraphWriteRequest write;
  *write.add_edges()->mutable_put() = BearsOn(1);
  *write.add_edges()->mutable_put() = Undirected("brace", 1, 1, 2, 2);
  ExpectRefused(client_->Write(write).status(), C::kInvalidArgument,
                "edges[1].put.kind");
  std::vector<v1::ImportEdgesResponse> results;
  bool sent = false;
  ASSERT_TRUE(client_
                  ->ImportEdges(
                      [&](v1::ImportEdgesRequest* batch) {
                        if (sent) return false;
                        *batch->add_edges() = wrong_role;
                        return sent = true;
                      },
                      [&](const v1::ImportEdgesResponse& result) {
                        results.push_back(result);
                      })
                  .ok());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].written());
  EXPECT_EQ(results[0].error().message().rfind("edges[0].endpoints[1].role", 0),
            0u)
      << results[0].error().message();
  EXPECT_EQ(Revision(), before);  // nothing written

  absl::StatusOr<uint64_t> id = Put(BearsOn(1));
  EXPECT_TRUE(id.ok()) << id.status();
}

TEST_F(GraphCatalogTest, WarnWritesUndeclaredKindsAndLogsThem) {
  Start({"--unknown-edge-labels=warn"});
  absl::StatusOr<uint64_t> id = Put(Undirected("brace", 1, 1, 2, 2));
  ASSERT_TRUE(id.ok()) << id.status();
  v1::GetEdgeRequest get;
  get.set_id(*id);
  EXPECT_TRUE(client_->GetEdge(get)->found());
  EXPECT_NE(Log().find("kind 'brace' is not declared (written; "
                       "unknown_edge_labels=warn)"),
            std::string::npos)
      << Log();
}

TEST_F(GraphCatalogTest, DanglingEdgesAreListedAfterARecordIsDeleted) {
  Start();
  for (uint32_t x : {1, 2, 3}) {
    ASSERT_TRUE(client_->Put("", "s", {x, x}, "node").ok());
  }
  absl::StatusOr<uint64_t> kept = Put(Undirected("k", 1, 1, 2, 2));
  absl::StatusOr<uint64_t> to_three = Put(Undirected("k", 2, 2, 3, 3));
  absl::StatusOr<uint64_t> to_nothing = Put(Undirected("k", 1, 1, 9, 9));
  ASSERT_TRUE(kept.ok() && to_three.ok() && to_nothing.ok());
  v1::DanglingEdgesRequest request;
  EXPECT_EQ(Dangling(request), std::set<uint64_t>{*to_nothing});

  const uint64_t before_delete = Revision();
  ASSERT_TRUE(client_->Delete("", "s", {3, 3}).ok());
  EXPECT_EQ(Dangling(request), (std::set<uint64_t>{*to_three, *to_nothing}));
  request.mutable_read()->set_as_of(before_delete);
  EXPECT_EQ(Dangling(request), std::set<uint64_t>{*to_nothing});

  // Paged: one edge a call, at the revision of the first call.
  request.mutable_read()->set_as_of(0);
  request.set_limit(1);
  client::GraphPageSummary summary;
  std::set<uint64_t> first = Dangling(request, &summary);
  EXPECT_EQ(first.size(), 1u);
  ASSERT_FALSE(summary.next_cursor.empty());
  ASSERT_TRUE(client_->Delete("", "s", {1, 1}).ok());  // not seen below
  request.set_cursor(summary.next_cursor);
  std::set<uint64_t> second = Dangling(request, &summary);
  EXPECT_EQ(second.size(), 1u);
  first.insert(second.begin(), second.end());
  EXPECT_EQ(first, (std::set<uint64_t>{*to_three, *to_nothing}));

  // On a branch that has records at (1, 1) and (9, 9) again only the edge
  // to (3, 3) dangles.
  ASSERT_TRUE(client_->CreateBranch("b", "").ok());
  ASSERT_TRUE(client_->Put("b", "s", {1, 1}, "node").ok());
  ASSERT_TRUE(client_->Put("b", "s", {9, 9}, "node").ok());
  v1::DanglingEdgesRequest on_branch;
  on_branch.mutable_read()->set_branch("b");
  EXPECT_EQ(Dangling(on_branch), std::set<uint64_t>{*to_three});
  // On main, (1, 1) and (3, 3) are deleted: every edge dangles.
  EXPECT_EQ(Dangling(v1::DanglingEdgesRequest()),
            (std::set<uint64_t>{*kept, *to_three, *to_nothing}));
  on_branch.mutable_read()->set_branch("nope");
  EXPECT_EQ(
      client_->DanglingEdges(on_branch, [](const v1::Edge&) { return true; })
          .status()
          .code(),
      C::kNotFound);
}

TEST_F(GraphCatalogTest, RejectDanglingEdgesRefusesAnEdgeWithoutRecords) {
  Start({"--reject-dangling-edges"});
  ASSERT_TRUE(client_->Put("", "s", {1, 1}, "node").ok());
  const uint64_t before = Revision();
  ExpectRefused(Put(Undirected("k", 1, 1, 2, 2)).status(), C::kInvalidArgument,
                "edge.endpoints[1]");
  EXPECT_EQ(Revision(), before);
  ASSERT_TRUE(client_->Put("", "s", {2, 2}, "node").ok());
  EXPECT_TRUE(Put(Undirected("k", 1, 1, 2, 2)).ok());
}

TEST_F(GraphCatalogTest, EdgeLimitFlagsBoundEdgesAndKinds) {
  Start({"--max-edge-endpoints=2", "--max-edge-label-bytes=8",
         "--max-edge-property-bytes=16"});
  const uint64_t before = Revision();
  v1::Edge three = Undirected("k", 1, 1, 2, 2);
  AddEndpoint(three, 3, 3, "c");
  ExpectRefused(Put(three).status(), C::kInvalidArgument, "edge.endpoints");
  ExpectRefused(Put(Undirected("ninebytes", 1, 1, 2, 2)).status(),
                C::kInvalidArgument, "edge.kind");
  v1::Edge heavy = Undirected("k", 1, 1, 2, 2);
  heavy.set_payload(std::string(17, 'p'));
  ExpectRefused(Put(heavy).status(), C::kInvalidArgument, "edge.properties");
  ExpectRefused(Declare("ninebytes", false, {}), C::kInvalidArgument, "kind");
  EXPECT_EQ(Revision(), before);
  heavy.set_payload(std::string(16, 'p'));
  heavy.set_kind("eightbyt");
  EXPECT_TRUE(Put(heavy).ok());
}

}  // namespace
}  // namespace infinitedb
