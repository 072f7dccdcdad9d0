// Integration test of online backup and restore (Admin.Backup, infdb-cli
// snapshot save|status, infdb-server --restore-from): a backup taken while
// writes, flushes and compactions go on restores exactly the records, the
// branch and the edges of its revision; a damaged or cut backup file is
// refused with DATA_LOSS naming what is wrong and changes nothing; a data
// directory that is not empty is refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/run_command.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_edges.h"

namespace infinitedb {
namespace {

// Every live record of `space` on `branch` as of `revision`, point -> value.
std::map<std::string, std::string> Records(client::Client& client,
                                           const std::string& branch,
                                           uint64_t revision) {
  std::map<std::string, std::string> records;
  v1::QueryRequest query;
  query.set_space("s");
  query.mutable_read()->set_branch(branch);
  query.mutable_read()->set_as_of(revision);
  absl::StatusOr<client::QuerySummary> done =
      client.Query(query, [&](const v1::Record& record) {
        records[record.point().ShortDebugString()] = record.value();
        return true;
      });
  EXPECT_TRUE(done.ok()) << done.status();
  return records;
}

uint64_t EdgeCount(client::Client& client, uint64_t revision) {
  v1::EdgesByKindRequest kind;
  kind.set_kind("k");
  kind.mutable_read()->set_as_of(revision);
  absl::StatusOr<client::GraphPageSummary> edges =
      client.EdgesByKind(kind, [](const v1::Edge&) { return true; });
  EXPECT_TRUE(edges.ok()) << edges.status();
  return edges.ok() ? edges->count : 0;
}

class BackupTest : public ::testing::Test {
 protected:
  std::unique_ptr<client::Client> ClientOf(const testing::ServerProcess& s) {
    client::ClientOptions options;
    options.target = s.address();
    return std::make_unique<client::Client>(options);
  }
  testing::CommandResult Cli(const std::string& arguments) {
    return testing::RunShellCommand(std::string(INFDB_CLI_PATH) + " " +
                                    arguments);
  }
  testing::CommandResult Restore(const std::string& file,
                                 const std::string& dir) {
    return testing::RunShellCommand(std::string(INFDB_SERVER_PATH) +
                                    " --restore-from=" + file +
                                    " --data-dir=" + dir);
  }
  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }

  // A server with records on main and a branch, and edges.
  void StartAndFill() {
    source_ = std::make_unique<testing::ServerProcess>(
        Path("a"), std::vector<std::string>{"--memtable-mb=1"});
    ASSERT_TRUE(source_->Start());
    client_ = ClientOf(*source_);
    ASSERT_TRUE(client_->CreateSpace("s", 2).ok());
    for (int first = 0; first < 20'000; first += 1'000) {
      v1::BatchRequest batch;
      for (int i = first; i < first + 1'000; ++i) {
        v1::Mutation* m = batch.add_mutations();
        m->set_space("s");
        m->mutable_point()->add_coordinates(i % 200);
        m->mutable_point()->add_coordinates(i / 200);
        m->set_put_value(std::string(200, 'a' + i % 26));
      }
      ASSERT_TRUE(client_->Batch(batch).ok());
    }
    ASSERT_TRUE(client_->CreateBranch("b", "").ok());
    ASSERT_TRUE(client_->Put("b", "s", {1, 1}, "on b").ok());
    for (uint32_t i = 0; i < 10; ++i) {
      ASSERT_TRUE(client_->PutEdge(testing::EdgeAcross("s", i)).ok());
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> source_;
  std::unique_ptr<client::Client> client_;
};

TEST_F(BackupTest, BackupDuringWritesRestoresExactlyItsRevision) {
  StartAndFill();
  // Writes, seals and compactions go on while the backup streams.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    auto client = ClientOf(*source_);
    for (uint32_t i = 0; !stop.load(); ++i) {
      EXPECT_TRUE(
          client->Put("", "s", {i % 300, 100 + i % 7}, std::string(300, 'w'))
              .ok());
      if (i % 200 == 199) EXPECT_TRUE(client->Compact("").ok());
    }
  });
  testing::CommandResult saved =
      Cli("--server " + source_->address() + " --output json snapshot save " +
          Path("snap"));
  stop = true;
  writer.join();
  ASSERT_EQ(saved.exit_code, 0) << saved.output;
  testing::CommandResult status =
      Cli("--output json snapshot status " + Path("snap"));
  ASSERT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("\"checksums\":\"verified\""),
            std::string::npos);
  const size_t at = status.output.find("\"revision\":\"");
  ASSERT_NE(at, std::string::npos) << status.output;
  const uint64_t revision = std::stoull(status.output.substr(at + 12));

  testing::CommandResult restored = Restore(Path("snap"), Path("restored"));
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  EXPECT_NE(
      restored.output.find("restored revision " + std::to_string(revision)),
      std::string::npos)
      << restored.output;
  testing::ServerProcess copy(Path("restored"), {"--node-id=2"});
  ASSERT_TRUE(copy.Start());
  auto restored_client = ClientOf(copy);
  absl::StatusOr<v1::StatusResponse> copy_status = restored_client->Status();
  ASSERT_TRUE(copy_status.ok());
  EXPECT_EQ(copy_status->header().revision(), revision);
  for (const std::string branch : {"main", "b"}) {
    const auto expected = Records(*client_, branch, revision);
    EXPECT_GE(expected.size(), 20'000u);
    EXPECT_EQ(Records(*restored_client, branch, 0), expected) << branch;
  }
  EXPECT_EQ(EdgeCount(*restored_client, 0), 10u);
  EXPECT_EQ(EdgeCount(*restored_client, 0), EdgeCount(*client_, revision));
  // The copy takes writes of its own.
  EXPECT_TRUE(restored_client->Put("", "s", {7, 7}, "after restore").ok());
}

TEST_F(BackupTest, DamagedOrCutBackupsAreRefusedAndChangeNothing) {
  StartAndFill();
  ASSERT_EQ(
      Cli("--server " + source_->address() + " snapshot save " + Path("snap"))
          .exit_code,
      0);
  std::ifstream in(Path("snap"), std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string good = bytes.str();
  ASSERT_GT(good.size(), 100'000u);
  int damaged = 0;
  for (size_t offset : {size_t{0}, size_t{20}, size_t{100}, good.size() / 3,
                        good.size() / 2, good.size() - 40, good.size() - 1}) {
    std::string bad = good;
    bad[offset] ^= 0x20;
    std::ofstream(Path("bad"), std::ios::binary | std::ios::trunc) << bad;
    testing::CommandResult status = Cli("snapshot status " + Path("bad"));
    EXPECT_EQ(status.exit_code, 1) << offset;
    EXPECT_NE(status.output.find("DATA_LOSS"), std::string::npos)
        << offset << ": " << status.output;
    testing::CommandResult restore = Restore(Path("bad"), Path("target"));
    EXPECT_EQ(restore.exit_code, 1) << offset << ": " << restore.output;
    EXPECT_NE(restore.output.find("DATA_LOSS"), std::string::npos);
    EXPECT_FALSE(std::ifstream(Path("target") + "/MANIFEST").good());
    ++damaged;
  }
  EXPECT_EQ(damaged, 7);
  std::ofstream(Path("cut"), std::ios::binary | std::ios::trunc)
      << good.substr(0, good.size() / 2);
  testing::CommandResult cut = Restore(Path("cut"), Path("target"));
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_NE(cut.output.find("it ends after"), std::string::npos) << cut.output;

  // A data directory in use (not empty) is refused and left as it was.
  testing::CommandResult busy = Restore(Path("snap"), Path("a"));
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.output.find("not empty"), std::string::npos) << busy.output;
  EXPECT_TRUE(client_->Put("", "s", {9, 9}, "still serving").ok());
  // The good file restores into an empty directory that already exists.
  ASSERT_EQ(mkdir(Path("empty").c_str(), 0700), 0);
  EXPECT_EQ(Restore(Path("snap"), Path("empty")).exit_code, 0);
  EXPECT_TRUE(std::ifstream(Path("empty") + "/MANIFEST").good());
}

TEST_F(BackupTest, IncrementalBackupsChainAndRestoreExactly) {
  StartAndFill();
  const std::string cli = "--server " + source_->address() + " ";
  ASSERT_EQ(Cli(cli + "snapshot save " + Path("full")).exit_code, 0);
  ASSERT_TRUE(client_->Put("", "s", {500, 1}, "after the full one").ok());
  testing::CommandResult first = Cli(cli + "snapshot save " + Path("inc1") +
                                     " --incremental-from " + Path("full"));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_TRUE(client_->Put("", "s", {501, 1}, "after the first").ok());
  ASSERT_TRUE(client_->Compact("").ok());  // new segment files
  ASSERT_TRUE(client_->Put("", "s", {502, 1}, "after the compaction").ok());
  testing::CommandResult second = Cli(cli + "snapshot save " + Path("inc2") +
                                      " --incremental-from " + Path("inc1"));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  absl::StatusOr<v1::StatusResponse> now = client_->Status();
  ASSERT_TRUE(now.ok());
  const uint64_t revision = now->header().revision();

  // The first increment holds only what changed: far less than the full one.
  auto size = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    return static_cast<uint64_t>(in.tellg());
  };
  EXPECT_LT(size(Path("inc1")) * 4, size(Path("full")));
  testing::CommandResult status =
      Cli("--output json snapshot status " + Path("inc1"));
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_EQ(status.output.find("\"files_in_base\":\"0\""), std::string::npos)
      << status.output;

  // Without its bases, or with them out of order: refused, nothing written.
  testing::CommandResult alone = Restore(Path("inc2"), Path("r0"));
  EXPECT_EQ(alone.exit_code, 1);
  EXPECT_NE(alone.output.find("is incremental"), std::string::npos)
      << alone.output;
  testing::CommandResult skipped = testing::RunShellCommand(
      std::string(INFDB_SERVER_PATH) + " --restore-from=" + Path("inc2") +
      " --restore-base=" + Path("full") + " --data-dir=" + Path("r0"));
  EXPECT_EQ(skipped.exit_code, 1);
  EXPECT_NE(skipped.output.find("not on the last one given"), std::string::npos)
      << skipped.output;
  EXPECT_FALSE(std::ifstream(Path("r0") + "/MANIFEST").good());

  testing::CommandResult chained = testing::RunShellCommand(
      std::string(INFDB_SERVER_PATH) + " --restore-from=" + Path("inc2") +
      " --restore-base=" + Path("full") + "," + Path("inc1") +
      " --data-dir=" + Path("r2"));
  ASSERT_EQ(chained.exit_code, 0) << chained.output;
  testing::ServerProcess copy(Path("r2"), {"--node-id=3"});
  ASSERT_TRUE(copy.Start());
  auto restored = ClientOf(copy);
  for (const std::string branch : {"main", "b"}) {
    EXPECT_EQ(Records(*restored, branch, 0),
              Records(*client_, branch, revision))
        << branch;
  }
  EXPECT_EQ(EdgeCount(*restored, 0), 10u);
}

}  // namespace
}  // namespace infinitedb
