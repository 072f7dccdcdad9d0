// Integration tests of infdb-server's slow-request log (--slow_request_ms):
// the real binary on a loopback port, its log read from the file its output
// goes to.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

// Large enough that a batch of them takes well over 1 ms to parse, commit
// and answer on any machine, and that a query for all of them streams
// several pages (at most 1 MiB each).
constexpr uint32_t kRecords = 10'000;
constexpr size_t kValueBytes = 1024;

// The log lines that contain `needle`.
std::vector<std::string> LogLines(const std::string& path,
                                  const std::string& needle) {
  std::ifstream log(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(log, line)) {
    if (line.find(needle) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

// The duration in a "... took 12.3 ms, ..." line, or -1.
double LoggedMilliseconds(const std::string& line) {
  size_t at = line.find(" took ");
  if (at == std::string::npos) return -1;
  return std::stod(line.substr(at + 6));
}

class SlowRequestLogTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& slow_request_flag) {
    server_ = std::make_unique<testing::ServerProcess>(
        dir_.path() + "/data",
        std::vector<std::string>{slow_request_flag, "--log-level=info"});
    ASSERT_TRUE(server_->Start());
    client::ClientOptions options;
    options.target = server_->address();
    client_ = std::make_unique<client::Client>(options);
    ASSERT_TRUE(client_->CreateSpace("loads", 2).ok());
  }

  // One batch of kRecords puts of kValueBytes each.
  void PutManyRecords() {
    v1::BatchRequest batch;
    for (uint32_t i = 0; i < kRecords; ++i) {
      v1::Mutation* m = batch.add_mutations();
      m->set_space("loads");
      m->mutable_point()->add_coordinates(i);
      m->mutable_point()->add_coordinates(7);
      m->set_put_value(std::string(kValueBytes, 'v'));
    }
    auto stamp = client_->Batch(batch);
    ASSERT_TRUE(stamp.ok()) << stamp.status();
  }

  // Reads every record, holding up the stream for `pause` on the first one.
  void QueryEverything(std::chrono::milliseconds pause) {
    v1::QueryRequest query;
    query.set_space("loads");
    uint64_t seen = 0;
    auto summary = client_->Query(query, [&](const v1::Record&) {
      if (seen++ == 0) std::this_thread::sleep_for(pause);
      return true;
    });
    ASSERT_TRUE(summary.ok()) << summary.status();
    EXPECT_EQ(seen, kRecords);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<client::Client> client_;
};

TEST_F(SlowRequestLogTest, SlowRpcIsLoggedWithMethodDurationStatusAndPeer) {
  StartServer("--slow-request-ms=1");
  PutManyRecords();
  // The line is written before the status goes out, so it is in the file
  // once the client has its answer.
  std::vector<std::string> lines = LogLines(
      server_->log_path(), "slow request: /infinitedb.v1.Records/Batch took ");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("[warning]"), std::string::npos) << lines[0];
  EXPECT_GT(LoggedMilliseconds(lines[0]), 1.0) << lines[0];
  EXPECT_NE(lines[0].find(" ms, status OK, peer ipv4:127.0.0.1:"),
            std::string::npos)
      << lines[0];
}

TEST_F(SlowRequestLogTest, StreamIsOneRequestTimedToItsFinalStatus) {
  StartServer("--slow-request-ms=1");
  PutManyRecords();
  // The client holds the stream up; the server, blocked by flow control,
  // sends its final status only after that.
  QueryEverything(std::chrono::milliseconds(300));
  std::vector<std::string> lines = LogLines(
      server_->log_path(), "slow request: /infinitedb.v1.Records/Query took ");
  ASSERT_EQ(lines.size(), 1u);  // one line for all the pages
  EXPECT_GE(LoggedMilliseconds(lines[0]), 300.0) << lines[0];
  EXPECT_NE(lines[0].find("status OK"), std::string::npos) << lines[0];
}

TEST_F(SlowRequestLogTest, ZeroTurnsTheLogOff) {
  StartServer("--slow-request-ms=0");
  PutManyRecords();
  QueryEverything(std::chrono::milliseconds(300));
  EXPECT_TRUE(LogLines(server_->log_path(), "slow request").empty());
  // The server did log (its start), so the file was the right one.
  EXPECT_FALSE(LogLines(server_->log_path(), "serving ").empty());
}

TEST_F(SlowRequestLogTest, FastRpcIsNotLogged) {
  StartServer("--slow-request-ms=10000");
  ASSERT_TRUE(client_->Put("", "loads", {1, 2}, "v").ok());
  EXPECT_TRUE(LogLines(server_->log_path(), "slow request").empty());
  EXPECT_FALSE(LogLines(server_->log_path(), "serving ").empty());
}

}  // namespace
}  // namespace infinitedb
