// Integration tests: the real infdb-server binary on a loopback port, called
// through the C++ client library.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using grpc::StatusCode;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data");
    ASSERT_TRUE(server_->Start());
    client::ClientOptions options;
    options.target = server_->address();
    client_ = std::make_unique<client::Client>(options);
  }

  v1::Point P(std::initializer_list<uint32_t> c) {
    v1::Point p;
    p.mutable_coordinates()->Assign(c.begin(), c.end());
    return p;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<client::Client> client_;
};

TEST_F(ServerTest, EveryRpcWorksThroughTheClient) {
  auto space = client_->CreateSpace("loads", 2);
  ASSERT_TRUE(space.ok()) << space.status();
  EXPECT_EQ(space->dims(), 2u);
  auto first = client_->Put("", "loads", {42, 3}, "12.5 kN");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->revision(), 1u);
  ASSERT_TRUE(client_->Put("", "loads", {42, 3}, "13 kN").ok());
  v1::BatchRequest batch;
  for (uint32_t i = 0; i < 50; ++i) {
    v1::Mutation* m = batch.add_mutations();
    m->set_space("loads");
    *m->mutable_point() = P({42, 100 + i});
    m->set_put_value("v" + std::to_string(i));
  }
  auto batched = client_->Batch(batch);
  ASSERT_TRUE(batched.ok()) << batched.status();
  EXPECT_EQ(batched->revision(), 3u);
  ASSERT_TRUE(client_->Delete("", "loads", {42, 100}).ok());

  v1::GetRequest get;
  get.set_space("loads");
  *get.mutable_point() = P({42, 3});
  get.mutable_read()->set_as_of(1);
  auto old = client_->Get(get);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_TRUE(old->found());
  EXPECT_EQ(old->record().value(), "12.5 kN");
  EXPECT_EQ(old->header().revision(), 1u);

  v1::HistoryRequest history;
  history.set_space("loads");
  *history.mutable_point() = P({42, 3});
  auto versions = client_->History(history);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->versions_size(), 2);
  EXPECT_EQ(versions->versions(0).value(), "13 kN");

  // A paged scope query reads one revision across pages.
  v1::QueryRequest query;
  query.set_space("loads");
  query.mutable_scope()->add_prefix(42);
  query.set_limit(20);
  std::set<std::string> seen;
  int pages = 0;
  while (true) {
    auto page = client_->Query(query, [&](const v1::Record& r) {
      EXPECT_TRUE(seen.insert(r.value()).second);
      return true;
    });
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    ASSERT_TRUE(client_
                    ->Put("", "loads",
                          {42, static_cast<uint32_t>(1000 + pages)}, "later")
                    .ok());
    if (page->next_cursor.empty()) break;
    query.set_cursor(page->next_cursor);
  }
  EXPECT_EQ(seen.size(), 50u);  // 49 live batch records + (42,3)
  EXPECT_EQ(pages, 3);

  v1::QueryRequest box;
  box.set_space("loads");
  *box.mutable_box()->mutable_min() = P({0, 0});
  *box.mutable_box()->mutable_max() = P({100, 120});
  auto count = client_->Count(box);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->count(), 21u);  // (42,3) and (42,101..120)

  auto branch = client_->CreateBranch("alt", "");
  ASSERT_TRUE(branch.ok()) << branch.status();
  EXPECT_EQ(branch->parent(), "main");
  ASSERT_TRUE(client_->Put("alt", "loads", {1, 1}, "alt only").ok());
  auto branches = client_->ListBranches();
  ASSERT_TRUE(branches.ok());
  EXPECT_EQ(branches->size(), 2u);

  ASSERT_TRUE(client_->Flush().ok());
  ASSERT_TRUE(client_->Compact("").ok());
  auto stats = client_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_GE(stats->segments(), 1u);
  EXPECT_EQ(stats->sealed_revision(), stats->revision());
  auto status = client_->Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->node_id(), 1u);
  auto spaces = client_->ListSpaces();
  ASSERT_TRUE(spaces.ok());
  ASSERT_EQ(spaces->size(), 1u);
  ASSERT_TRUE(client_->DropSpace("loads").ok());
  EXPECT_EQ(client_->GetSpace("loads").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ServerTest, BadInputGetsTheRightCodeAndChangesNothing) {
  ASSERT_TRUE(client_->CreateSpace("s", 3).ok());
  ASSERT_TRUE(client_->Put("", "s", {1, 2, 3}, "original").ok());
  auto expect = [&](const absl::Status& status, absl::StatusCode code,
                    std::string_view field) {
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_NE(status.message().find(std::string(field)), std::string::npos)
        << status;
  };
  using C = absl::StatusCode;
  expect(client_->Put("", "s", {1, 2}, "v").status(), C::kInvalidArgument,
         "point");
  std::vector<uint32_t> seventeen(17, 1);
  expect(client_->Put("", "s", seventeen, "v").status(), C::kInvalidArgument,
         "point");
  expect(client_->Put("", "s", {}, "v").status(), C::kInvalidArgument, "point");
  expect(client_->Put("", "", {1, 2, 3}, "v").status(), C::kInvalidArgument,
         "space");
  expect(client_->Put("", "nope", {1, 2, 3}, "v").status(), C::kNotFound,
         "space");
  expect(client_->Put("nope", "s", {1, 2, 3}, "v").status(), C::kNotFound,
         "branch");
  expect(client_->CreateSpace("s", 2).status(), C::kAlreadyExists, "space");
  expect(client_->CreateSpace("t", 0).status(), C::kInvalidArgument, "dims");
  expect(client_->CreateSpace("t", 17).status(), C::kInvalidArgument, "dims");
  expect(client_->CreateSpace("bad name", 2).status(), C::kInvalidArgument,
         "space");
  expect(client_->Put("", "s", {1, 2, 3}, std::string((4 << 20) + 1, 'x'))
             .status(),
         C::kInvalidArgument, "value");
  // Over the server's message limit (64 MiB): rejected by gRPC itself.
  EXPECT_EQ(client_->Put("", "s", {1, 2, 3}, std::string(65 << 20, 'x'))
                .status()
                .code(),
            C::kResourceExhausted);
  v1::BatchRequest batch;
  v1::Mutation* ok = batch.add_mutations();
  ok->set_space("s");
  ok->mutable_point()->add_coordinates(1);
  ok->mutable_point()->add_coordinates(1);
  ok->mutable_point()->add_coordinates(1);
  ok->set_put_value("fine");
  v1::Mutation* bad = batch.add_mutations();
  bad->set_space("s");
  bad->mutable_point()->add_coordinates(1);
  bad->set_put_value("bad");
  expect(client_->Batch(batch).status(), C::kInvalidArgument,
         "mutations[1].point");
  v1::QueryRequest query;
  query.set_space("s");
  *query.mutable_box()->mutable_min() = P({5, 0, 0});
  *query.mutable_box()->mutable_max() = P({4, 9, 9});
  expect(client_->Count(query).status(), C::kInvalidArgument, "box");
  v1::GetRequest get;
  get.set_space("s");
  *get.mutable_point() = P({1, 2, 3});
  get.mutable_read()->set_as_of(1000);
  expect(client_->Get(get).status(), C::kOutOfRange, "as_of");

  // Nothing changed: one record, still at revision 1.
  auto stats = client_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->revision(), 1u);
  v1::QueryRequest all;
  all.set_space("s");
  auto count = client_->Count(all);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->count(), 1u);
  auto spaces = client_->ListSpaces();
  EXPECT_EQ(spaces->size(), 1u);
}

// Put, Delete and Batch take if_revision over gRPC: a failed precondition
// is FAILED_PRECONDITION naming the field, and writes nothing.
TEST_F(ServerTest, ConditionalWritesOverGrpc) {
  ASSERT_TRUE(client_->CreateSpace("c", 2).ok());
  auto created = client_->Put("", "c", {1, 1}, "a", /*if_revision=*/0);
  ASSERT_TRUE(created.ok()) << created.status();
  auto again = client_->Put("", "c", {1, 1}, "b", 0);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition)
      << again.status();
  EXPECT_NE(again.status().message().find("if_revision"), std::string::npos);

  v1::BatchRequest batch;
  auto* first = batch.add_mutations();
  first->set_space("c");
  *first->mutable_point() = P({2, 2});
  first->set_put_value("new");
  auto* second = batch.add_mutations();
  second->set_space("c");
  *second->mutable_point() = P({1, 1});
  second->set_put_value("lost");
  second->mutable_if_revision()->set_revision(created->revision() + 1);
  auto refused = client_->Batch(batch);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("mutations[1].if_revision"),
            std::string::npos)
      << refused.status();
  v1::GetRequest get;
  get.set_space("c");
  *get.mutable_point() = P({2, 2});
  auto absent = client_->Get(get);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->found());

  second->mutable_if_revision()->set_revision(created->revision());
  ASSERT_TRUE(client_->Batch(batch).ok());
  auto removed = client_->Delete("", "c", {2, 2}, created->revision());
  EXPECT_EQ(removed.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ServerTest, GracefulShutdownKeepsEverythingAcknowledged) {
  ASSERT_TRUE(client_->CreateSpace("s", 1).ok());
  for (uint32_t i = 0; i < 20; ++i) {
    ASSERT_TRUE(client_->Put("", "s", {i}, "v").ok());
  }
  int status = server_->Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data");
  ASSERT_TRUE(server_->Start());
  client::ClientOptions options;
  options.target = server_->address();
  client_ = std::make_unique<client::Client>(options);
  v1::QueryRequest all;
  all.set_space("s");
  auto count = client_->Count(all);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(count->count(), 20u);
}

// --segment-compression picks the codec of segment files written from then
// on; files written with another codec still read after a restart.
TEST_F(ServerTest, SegmentCompressionAppliesToNewFilesAndOldFilesStillRead) {
  auto restart = [&](const std::string& compression) {
    client_.reset();
    ASSERT_EQ(server_->Stop(), 0);
    server_ = std::make_unique<testing::ServerProcess>(
        dir_.path() + "/data",
        std::vector<std::string>{"--segment-compression=" + compression});
    ASSERT_TRUE(server_->Start());
    client::ClientOptions options;
    options.target = server_->address();
    client_ = std::make_unique<client::Client>(options);
  };
  auto segment_sizes = [&] {
    std::vector<uint64_t> sizes;
    for (const auto& entry :
         std::filesystem::directory_iterator(dir_.path() + "/data/segments")) {
      sizes.push_back(entry.file_size());
    }
    std::sort(sizes.begin(), sizes.end());
    return sizes;
  };
  auto value_of = [](uint32_t i) {
    std::string value = "record-" + std::to_string(i * 7919 % 100003) + "-";
    value.resize(100, 'v');
    return value;
  };
  auto write_and_flush = [&](uint32_t first) {
    for (uint32_t b = 0; b < 4; ++b) {
      v1::BatchRequest batch;
      for (uint32_t i = 0; i < 500; ++i) {
        uint32_t n = first + b * 500 + i;
        v1::Mutation* m = batch.add_mutations();
        m->set_space("s");
        *m->mutable_point() = P({n, n * 3});
        m->set_put_value(value_of(n));
      }
      ASSERT_TRUE(client_->Batch(batch).ok());
    }
    ASSERT_TRUE(client_->Flush().ok());
  };
  ASSERT_TRUE(client_->CreateSpace("s", 2).ok());
  restart("zstd");
  write_and_flush(0);
  restart("none");
  write_and_flush(2000);
  ASSERT_EQ(segment_sizes().size(), 2u);
  // The same kind of records: the zstd file is far smaller.
  EXPECT_LT(segment_sizes()[0] * 3, segment_sizes()[1]);
  restart("lz4");
  v1::QueryRequest all;
  all.set_space("s");
  auto count = client_->Count(all);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(count->count(), 4000u);
  for (uint32_t n : {0u, 1999u, 2000u, 3999u}) {
    v1::GetRequest get;
    get.set_space("s");
    *get.mutable_point() = P({n, n * 3});
    auto record = client_->Get(get);
    ASSERT_TRUE(record.ok()) << record.status();
    ASSERT_TRUE(record->found()) << n;
    EXPECT_EQ(record->record().value(), value_of(n)) << n;
  }
}

TEST(ServerFlagsTest, UnknownSegmentCompressionIsRefusedNamingTheFlag) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.path() + "/data",
                                {"--segment-compression=snappy"});
  EXPECT_FALSE(server.Start());
  std::ifstream log(server.log_path());
  std::string text((std::istreambuf_iterator<char>(log)),
                   std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("--segment_compression"), std::string::npos) << text;
}

}  // namespace
}  // namespace infinitedb
