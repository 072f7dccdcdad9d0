// Integration test of the Graph service through the C++ client against a
// real infdb-server: bad input is INVALID_ARGUMENT (or NOT_FOUND) naming
// the field and writes nothing; records and edges commit together; paged
// incidence reads one revision; ImportEdges reports each refused batch
// with the failing edge.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using C = absl::StatusCode;

v1::Point P(std::initializer_list<uint32_t> coordinates) {
  v1::Point point;
  point.mutable_coordinates()->Assign(coordinates.begin(), coordinates.end());
  return point;
}

v1::NodeRef Node(const std::string& space, std::initializer_list<uint32_t> c) {
  v1::NodeRef node;
  node.set_space(space);
  *node.mutable_point() = P(c);
  return node;
}

v1::Endpoint* AddEndpoint(v1::Edge& edge, std::initializer_list<uint32_t> c,
                          const std::string& role,
                          v1::Polarity polarity = v1::POLARITY_NEUTRAL) {
  v1::Endpoint* endpoint = edge.add_endpoints();
  endpoint->set_space("s");
  *endpoint->mutable_point() = P(c);
  endpoint->set_role(role);
  endpoint->set_polarity(polarity);
  return endpoint;
}

// An undirected edge s:(1,1) a -- s:(2,2) b of kind k.
v1::Edge GoodEdge() {
  v1::Edge edge;
  edge.set_kind("k");
  AddEndpoint(edge, {1, 1}, "a");
  AddEndpoint(edge, {2, 2}, "b");
  return edge;
}

class GraphServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data");
    ASSERT_TRUE(server_->Start());
    client::ClientOptions options;
    options.target = server_->address();
    client_ = std::make_unique<client::Client>(options);
    ASSERT_TRUE(client_->CreateSpace("s", 2).ok());
  }

  absl::Status Put(const v1::Edge& edge, const std::string& branch = "") {
    v1::PutEdgeRequest request;
    request.set_branch(branch);
    *request.mutable_edge() = edge;
    return client_->PutEdge(request).status();
  }

  uint64_t Revision() {
    auto stats = client_->Stats();
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->revision() : 0;
  }

  uint64_t EdgesOfKind(const std::string& kind) {
    v1::EdgesByKindRequest request;
    request.set_kind(kind);
    auto summary =
        client_->EdgesByKind(request, [](const v1::Edge&) { return true; });
    EXPECT_TRUE(summary.ok()) << summary.status();
    return summary.ok() ? summary->count : 0;
  }

  // Nothing was written since `revision`: no commit, no edge of kind k, no
  // record at (5,5).
  void ExpectNothingWrittenSince(uint64_t revision) {
    EXPECT_EQ(Revision(), revision);
    EXPECT_EQ(EdgesOfKind("k"), 0u);
    v1::GetRequest get;
    get.set_space("s");
    *get.mutable_point() = P({5, 5});
    auto got = client_->Get(get);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_FALSE(got->found());
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<client::Client> client_;
};

// The status has `code` and a message that starts with "`field`: ", or
// names it so ("... branch: ...").
void ExpectRefused(const absl::Status& status, C code,
                   const std::string& field) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_NE(status.message().find(field + ": "), std::string::npos)
      << "expected '" << field << ": ' in: " << status;
}

TEST_F(GraphServerTest, BadEdgesAreRefusedNamingTheFieldAndWriteNothing) {
  const uint64_t before = Revision();
  v1::Edge edge = GoodEdge();
  edge.mutable_endpoints()->RemoveLast();
  ExpectRefused(Put(edge), C::kInvalidArgument, "edge.endpoints");
  edge = GoodEdge();
  edge.clear_kind();
  ExpectRefused(Put(edge), C::kInvalidArgument, "edge.kind");
  edge = GoodEdge();
  edge.mutable_endpoints(1)->clear_role();
  ExpectRefused(Put(edge), C::kInvalidArgument, "edge.endpoints[1].role");
  edge = GoodEdge();
  *edge.mutable_endpoints(1)->mutable_point() = P({1, 2, 3});
  ExpectRefused(Put(edge), C::kInvalidArgument, "edge.endpoints[1].point");
  edge = GoodEdge();
  edge.mutable_endpoints(0)->mutable_point()->mutable_coordinates()->Resize(17,
                                                                            1);
  ExpectRefused(Put(edge), C::kInvalidArgument, "edge.endpoints[0].point");
  edge = GoodEdge();
  edge.mutable_endpoints(0)->clear_point();
  ExpectRefused(Put(edge), C::kInvalidArgument, "edge.endpoints[0].point");
  edge = GoodEdge();
  edge.mutable_endpoints(0)->set_space("nope");
  ExpectRefused(Put(edge), C::kInvalidArgument, "edge.endpoints[0].space");
  edge = GoodEdge();
  edge.set_directed(true);
  edge.mutable_endpoints(0)->set_polarity(v1::POLARITY_TAIL);
  edge.mutable_endpoints(1)->set_polarity(v1::POLARITY_TAIL);
  ExpectRefused(Put(edge), C::kInvalidArgument, "edge.endpoints");
  edge = GoodEdge();
  edge.mutable_endpoints(0)->set_polarity(v1::POLARITY_HEAD);
  ExpectRefused(Put(edge), C::kInvalidArgument, "edge.endpoints[0].polarity");
  edge = GoodEdge();
  edge.mutable_endpoints(0)->set_polarity(static_cast<v1::Polarity>(7));
  ExpectRefused(Put(edge), C::kInvalidArgument, "edge.endpoints[0].polarity");
  ExpectRefused(Put(GoodEdge(), "nope"), C::kNotFound, "branch");
  ExpectRefused(client_->PutEdge(v1::PutEdgeRequest()).status(),
                C::kInvalidArgument, "edge");

  ExpectNothingWrittenSince(before);
}

TEST_F(GraphServerTest, BadWritesNameTheMutationAndWriteNothing) {
  const uint64_t before = Revision();
  v1::GraphWriteRequest write;
  v1::Mutation* record = write.add_records();
  record->set_space("s");
  *record->mutable_point() = P({5, 5});
  record->set_put_value("v");
  *write.add_edges()->mutable_put() = GoodEdge();
  *write.add_edges()->mutable_put() = GoodEdge();
  *write.mutable_edges(1)
       ->mutable_put()
       ->mutable_endpoints(1)
       ->mutable_point() = P({1});
  ExpectRefused(client_->Write(write).status(), C::kInvalidArgument,
                "edges[1].put.endpoints[1].point");
  write.mutable_edges(1)->set_delete_id(0);
  ExpectRefused(client_->Write(write).status(), C::kInvalidArgument,
                "edges[1].delete_id");
  *write.mutable_records(0)->mutable_point() = P({5, 5, 5});
  write.mutable_edges()->RemoveLast();
  ExpectRefused(client_->Write(write).status(), C::kInvalidArgument,
                "records[0].point");
  EXPECT_EQ(client_->Write(v1::GraphWriteRequest()).status().code(),
            C::kInvalidArgument);

  v1::DeleteEdgeRequest del;
  ExpectRefused(client_->DeleteEdge(del).status(), C::kInvalidArgument, "id");
  del.set_id(12345);
  ExpectRefused(client_->DeleteEdge(del).status(), C::kNotFound, "id");
  ExpectRefused(client_->GetEdge(v1::GetEdgeRequest()).status(),
                C::kInvalidArgument, "id");

  ExpectNothingWrittenSince(before);
}

TEST_F(GraphServerTest, BadReadsNameTheField) {
  const uint64_t before = Revision();
  auto all = [](const auto&) { return true; };
  v1::IncidentRequest incident;
  ExpectRefused(client_->Incident(incident, all).status(), C::kInvalidArgument,
                "node");
  *incident.mutable_node() = Node("nope", {1, 1});
  ExpectRefused(client_->Incident(incident, all).status(), C::kInvalidArgument,
                "node.space");
  *incident.mutable_node() = Node("s", {1, 1});
  incident.mutable_filter()->set_direction(static_cast<v1::Direction>(9));
  ExpectRefused(client_->Incident(incident, all).status(), C::kInvalidArgument,
                "filter.direction");
  v1::BoxIncidentRequest box;
  box.set_space("s");
  *box.mutable_box()->mutable_min() = P({5, 0});
  *box.mutable_box()->mutable_max() = P({4, 9});
  ExpectRefused(client_->BoxIncident(box, all).status(), C::kInvalidArgument,
                "box");
  ExpectRefused(client_->EdgesByKind(v1::EdgesByKindRequest(), all).status(),
                C::kInvalidArgument, "kind");
  v1::DegreeRequest degree;
  *degree.mutable_node() = Node("s", {1, 1, 1});
  ExpectRefused(client_->Degree(degree).status(), C::kInvalidArgument,
                "node.point");
  v1::TraverseRequest traverse;
  ExpectRefused(client_->Traverse(traverse).status(), C::kInvalidArgument,
                "starts");
  *traverse.add_starts() = Node("s", {1, 1});
  traverse.set_b_connectivity(true);
  ExpectRefused(client_->Traverse(traverse).status(), C::kInvalidArgument,
                "b_connectivity");
  v1::ShortestPathRequest path;
  *path.mutable_from() = Node("s", {1, 1});
  ExpectRefused(client_->ShortestPath(path).status(), C::kInvalidArgument,
                "to");
  v1::GetEdgeRequest future;
  future.set_id(1);
  future.mutable_read()->set_as_of(1000);
  EXPECT_EQ(client_->GetEdge(future).status().code(), C::kOutOfRange);

  ExpectNothingWrittenSince(before);
}

TEST_F(GraphServerTest, RecordsAndEdgesCommitTogether) {
  v1::GraphWriteRequest write;
  v1::Mutation* record = write.add_records();
  record->set_space("s");
  *record->mutable_point() = P({1, 1});
  record->set_put_value("node one");
  *write.add_edges()->mutable_put() = GoodEdge();
  auto written = client_->Write(write);
  ASSERT_TRUE(written.ok()) << written.status();
  ASSERT_EQ(written->edge_ids_size(), 1);
  const uint64_t id = written->edge_ids(0);
  const uint64_t revision = written->stamp().revision();
  EXPECT_EQ(written->header().revision(), revision);

  v1::GetEdgeRequest get_edge;
  get_edge.set_id(id);
  auto edge = client_->GetEdge(get_edge);
  ASSERT_TRUE(edge.ok()) << edge.status();
  ASSERT_TRUE(edge->found());
  EXPECT_EQ(edge->edge().stamp().revision(), revision);
  EXPECT_EQ(edge->edge().endpoints(1).role(), "b");
  v1::GetRequest get;
  get.set_space("s");
  *get.mutable_point() = P({1, 1});
  auto got = client_->Get(get);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->record().stamp().revision(), revision);

  // A failed edge precondition writes neither the record nor the edge.
  v1::GraphWriteRequest conditional;
  record = conditional.add_records();
  record->set_space("s");
  *record->mutable_point() = P({1, 1});
  record->set_put_value("changed");
  v1::EdgeMutation* mutation = conditional.add_edges();
  *mutation->mutable_put() = GoodEdge();
  mutation->mutable_put()->set_id(id);
  mutation->mutable_if_revision()->set_revision(revision + 100);
  ExpectRefused(client_->Write(conditional).status(), C::kFailedPrecondition,
                "edges[0].if_revision");
  got = client_->Get(get);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->record().value(), "node one");
  mutation->mutable_if_revision()->set_revision(revision);
  auto second = client_->Write(conditional);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->edge_ids(0), id);

  v1::DeleteEdgeRequest del;
  del.set_id(id);
  del.mutable_if_revision()->set_revision(revision);  // stale
  ExpectRefused(client_->DeleteEdge(del).status(), C::kFailedPrecondition,
                "if_revision");
  del.mutable_if_revision()->set_revision(second->stamp().revision());
  auto deleted = client_->DeleteEdge(del);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->id(), id);
  v1::EdgeHistoryRequest history;
  history.set_id(id);
  auto versions = client_->EdgeHistory(history);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->versions_size(), 3);
  EXPECT_TRUE(versions->versions(0).deleted());
  EXPECT_EQ(versions->versions(2).stamp().revision(), revision);
}

TEST_F(GraphServerTest, PagedIncidenceReadsOneRevision) {
  for (uint32_t i = 0; i < 25; ++i) {
    v1::Edge edge = GoodEdge();
    *edge.mutable_endpoints(1)->mutable_point() = P({100, i});
    ASSERT_TRUE(Put(edge).ok());
  }
  v1::IncidentRequest request;
  *request.mutable_node() = Node("s", {1, 1});
  request.set_limit(10);
  std::set<uint64_t> seen;
  int pages = 0;
  uint64_t revision = 0;
  while (true) {
    auto page = client_->Incident(request, [&](const v1::Incidence& incidence) {
      EXPECT_TRUE(seen.insert(incidence.edge().id()).second);
      EXPECT_EQ(incidence.roles(0).role(), "a");
      return true;
    });
    ASSERT_TRUE(page.ok()) << page.status();
    if (pages == 0) revision = page->revision;
    EXPECT_EQ(page->revision, revision);
    ++pages;
    ASSERT_TRUE(Put(GoodEdge()).ok());  // not seen by the later pages
    if (page->next_cursor.empty()) break;
    request.set_cursor(page->next_cursor);
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(pages, 3);
  v1::DegreeRequest degree;
  *degree.mutable_node() = Node("s", {1, 1});
  degree.mutable_read()->set_as_of(revision);
  auto counted = client_->Degree(degree);
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_EQ(counted->total(), 25u);
  EXPECT_EQ(counted->neutral(), 25u);
  EXPECT_EQ(counted->header().revision(), revision);
}

TEST_F(GraphServerTest, ImportReportsEachRefusedBatch) {
  std::vector<v1::ImportEdgesRequest> batches(3);
  *batches[0].add_edges() = GoodEdge();
  *batches[0].add_edges() = GoodEdge();
  *batches[1].add_edges() = GoodEdge();
  *batches[1].add_edges() = GoodEdge();
  batches[1].mutable_edges(1)->mutable_endpoints(0)->set_space("nope");
  // batches[2] is empty.
  size_t next = 0;
  std::vector<v1::ImportEdgesResponse> results;
  absl::Status status = client_->ImportEdges(
      [&](v1::ImportEdgesRequest* batch) {
        if (next == batches.size()) return false;
        *batch = batches[next++];
        return true;
      },
      [&](const v1::ImportEdgesResponse& result) {
        results.push_back(result);
      });
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].written());
  EXPECT_EQ(results[0].batch(), 0u);
  EXPECT_EQ(results[0].edge_ids_size(), 2);
  EXPECT_FALSE(results[1].written());
  EXPECT_EQ(results[1].batch(), 1u);
  EXPECT_EQ(results[1].error().edge_index(), 1);
  EXPECT_EQ(results[1].error().code(),
            static_cast<uint32_t>(C::kInvalidArgument));
  EXPECT_NE(results[1].error().message().find("edges[1].endpoints[0].space"),
            std::string::npos)
      << results[1].error().message();
  EXPECT_FALSE(results[2].written());
  EXPECT_EQ(results[2].error().edge_index(), -1);
  EXPECT_EQ(EdgesOfKind("k"), 2u);
}

}  // namespace
}  // namespace infinitedb
