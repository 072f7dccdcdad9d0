// Integration test of resume cursors against real infdb-servers
// (server/cursor_seal.h): every single-bit flip of a Query, Diff or graph
// cursor, a cursor cut short, one of another server and one of another
// kind of call are INVALID_ARGUMENT naming the cursor, never a wrong page;
// a genuine cursor resumes exactly, also after a restart.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_edges.h"

namespace infinitedb {
namespace {

class CursorIntegrityTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(server_, "a"); }

  void Start(std::unique_ptr<testing::ServerProcess>& server,
             const std::string& name) {
    server = std::make_unique<testing::ServerProcess>(dir_.path() + "/" + name);
    ASSERT_TRUE(server->Start());
    client::ClientOptions options;
    options.target = server->address();
    options.read_attempts = 1;
    clients_[name] = std::make_unique<client::Client>(options);
  }
  client::Client& Client(const std::string& name = "a") {
    return *clients_[name];
  }

  void Fill(client::Client& client, int records) {
    ASSERT_TRUE(client.CreateSpace("s", 2).ok());
    v1::BatchRequest batch;
    for (int i = 0; i < records; ++i) {
      v1::Mutation* m = batch.add_mutations();
      m->set_space("s");
      m->mutable_point()->add_coordinates(i % 40);
      m->mutable_point()->add_coordinates(i / 40);
      m->set_put_value("v" + std::to_string(i));
    }
    ASSERT_TRUE(client.Batch(batch).ok());
  }

  // A page of `limit` records after `cursor`: the points, or the status.
  absl::StatusOr<std::vector<std::string>> Page(client::Client& client,
                                                const std::string& cursor,
                                                std::string* next = nullptr) {
    v1::QueryRequest request;
    request.set_space("s");
    request.set_limit(50);
    request.set_cursor(cursor);
    std::vector<std::string> points;
    absl::StatusOr<client::QuerySummary> summary =
        client.Query(request, [&](const v1::Record& record) {
          points.push_back(std::to_string(record.point().coordinates(0)) + "," +
                           std::to_string(record.point().coordinates(1)));
          return true;
        });
    if (!summary.ok()) return summary.status();
    if (next != nullptr) *next = summary->next_cursor;
    return points;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::map<std::string, std::unique_ptr<client::Client>> clients_;
};

void ExpectRefused(const absl::Status& status, const std::string& what) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
      << what << ": " << status;
  EXPECT_NE(status.message().find("cursor"), absl::string_view::npos)
      << what << ": " << status;
}

TEST_F(CursorIntegrityTest, EveryBitFlipOfAQueryCursorIsRefused) {
  Fill(Client(), 200);
  std::string cursor;
  ASSERT_TRUE(Page(Client(), "", &cursor).ok());
  ASSERT_FALSE(cursor.empty());
  for (size_t bit = 0; bit < cursor.size() * 8; ++bit) {
    std::string flipped = cursor;
    flipped[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    ExpectRefused(Page(Client(), flipped).status(),
                  "bit " + std::to_string(bit));
  }
  ExpectRefused(Page(Client(), cursor.substr(0, cursor.size() - 1)).status(),
                "cut short");
  ExpectRefused(Page(Client(), cursor + "x").status(), "lengthened");
  ExpectRefused(Page(Client(), "anything at all").status(), "made up");

  // The genuine cursor pages through every record exactly once, and still
  // does after a restart.
  std::set<std::string> seen;
  absl::StatusOr<std::vector<std::string>> first = Page(Client(), "");
  ASSERT_TRUE(first.ok());
  seen.insert(first->begin(), first->end());
  std::string next = cursor;
  int pages = 1;
  while (!next.empty()) {
    if (pages == 2) {
      ASSERT_EQ(server_->Stop(), 0);
      ASSERT_TRUE(server_->Start());
      client::ClientOptions options;
      options.target = server_->address();
      clients_["a"] = std::make_unique<client::Client>(options);
    }
    absl::StatusOr<std::vector<std::string>> page = Page(Client(), next, &next);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const std::string& point : *page) {
      EXPECT_TRUE(seen.insert(point).second) << point << " came twice";
    }
    ASSERT_LT(++pages, 10);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST_F(CursorIntegrityTest, ACursorOfAnotherServerOrCallIsRefused) {
  std::unique_ptr<testing::ServerProcess> other;
  Start(other, "b");
  Fill(Client("a"), 200);
  Fill(Client("b"), 200);
  std::string cursor;
  ASSERT_TRUE(Page(Client("a"), "", &cursor).ok());
  ExpectRefused(Page(Client("b"), cursor).status(), "another server");

  // A Query cursor given to Diff, and a Diff cursor given to Query.
  ASSERT_TRUE(Client("a").CreateBranch("b", "").ok());
  v1::BatchRequest batch;
  batch.set_branch("b");
  for (int i = 0; i < 30; ++i) {
    v1::Mutation* m = batch.add_mutations();
    m->set_space("s");
    m->mutable_point()->add_coordinates(i);
    m->mutable_point()->add_coordinates(100);
    m->set_put_value("new");
  }
  ASSERT_TRUE(Client("a").Batch(batch).ok());
  v1::DiffRequest diff;
  diff.mutable_from()->set_branch("main");
  diff.mutable_to()->set_branch("b");
  diff.set_limit(10);
  diff.set_cursor(cursor);
  ExpectRefused(Client("a").Diff(diff).status(), "query cursor to Diff");
  diff.clear_cursor();
  absl::StatusOr<v1::DiffResponse> page = Client("a").Diff(diff);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->next_cursor().empty());
  ExpectRefused(Page(Client("a"), page->next_cursor()).status(),
                "diff cursor to Query");
  std::string flipped = page->next_cursor();
  flipped[0] ^= 1;
  diff.set_cursor(flipped);
  ExpectRefused(Client("a").Diff(diff).status(), "flipped diff cursor");
  diff.set_cursor(page->next_cursor());
  EXPECT_TRUE(Client("a").Diff(diff).ok());

  // A graph stream's cursor.
  v1::EdgesByKindRequest kind;
  kind.set_kind("k");
  kind.set_cursor(cursor);
  ExpectRefused(Client("a")
                    .EdgesByKind(kind, [](const v1::Edge&) { return true; })
                    .status(),
                "query cursor to EdgesByKind");

  // One graph call's cursor given to another graph call.
  for (uint32_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(Client("a").PutEdge(testing::EdgeAcross("s", i)).ok());
  }
  kind.clear_cursor();
  kind.set_limit(2);
  auto edges =
      Client("a").EdgesByKind(kind, [](const v1::Edge&) { return true; });
  ASSERT_TRUE(edges.ok()) << edges.status();
  ASSERT_FALSE(edges->next_cursor.empty());
  v1::DanglingEdgesRequest dangling;
  dangling.set_cursor(edges->next_cursor);
  ExpectRefused(
      Client("a")
          .DanglingEdges(dangling, [](const v1::Edge&) { return true; })
          .status(),
      "EdgesByKind cursor to DanglingEdges");
  kind.set_cursor(edges->next_cursor);
  EXPECT_TRUE(
      Client("a").EdgesByKind(kind, [](const v1::Edge&) { return true; }).ok());
}

}  // namespace
}  // namespace infinitedb
