// Integration test of infdb-cli against a real infdb-server: a user's
// session, its tables and JSON, and its exit codes.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/run_command.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using CliResult = testing::CommandResult;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data");
    ASSERT_TRUE(server_->Start());
  }

  CliResult Run(const std::string& arguments) {
    return testing::RunShellCommand(std::string(INFDB_CLI_PATH) + " --server " +
                                    server_->address() + " " + arguments);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(CliTest, SessionOfTheReadme) {
  CliResult r = Run("space create loads --dims 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("loads"), std::string::npos);
  ASSERT_EQ(Run("put loads --point 42,3,0 --value '12.5 kN'").exit_code, 0);
  ASSERT_EQ(Run("put loads --point 42,4,0 --value '8 kN'").exit_code, 0);
  ASSERT_EQ(Run("put loads --point 42,3,0 --value '13 kN'").exit_code, 0);
  r = Run("get loads --point 42,3,0 --as-of 1");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("12.5 kN"), std::string::npos) << r.output;
  r = Run("query loads --scope 42 --json");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(
      r.output.find(
          R"({"point":[42,3,0],"value":{"text":"13 kN"},"revision":"3"})"),
      std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(R"("value":{"text":"8 kN"})"), std::string::npos);
  r = Run("query loads --min 0,0,0 --max 50,3,0 --json");
  EXPECT_EQ(r.output, R"({"rows":[{"point":[42,3,0],"value":{"text":"13 kN"},)"
                      R"("revision":"3"}],"next_cursor":""})"
                      "\n");
  r = Run("history loads --point 42,3,0 --json");
  EXPECT_NE(r.output.find(R"("revision":"1","deleted":false)"),
            std::string::npos)
      << r.output;
  r = Run("count loads --json");
  EXPECT_NE(r.output.find(R"("count":"2")"), std::string::npos) << r.output;
  ASSERT_EQ(Run("branch create option-b --from main").exit_code, 0);
  ASSERT_EQ(Run("put loads --point 42,3,0 --value '9 kN' --branch option-b")
                .exit_code,
            0);
  r = Run("get loads --point 42,3,0 --branch option-b");
  EXPECT_NE(r.output.find("9 kN"), std::string::npos) << r.output;
  r = Run("get loads --point 42,3,0");
  EXPECT_NE(r.output.find("13 kN"), std::string::npos) << r.output;
  r = Run("query loads --limit 1");
  EXPECT_NE(r.output.find("more: --cursor "), std::string::npos) << r.output;
  ASSERT_EQ(Run("del loads --point 42,4,0").exit_code, 0);
  EXPECT_EQ(Run("get loads --point 42,4,0").exit_code, 1);
  EXPECT_EQ(Run("flush").exit_code, 0);
  EXPECT_EQ(Run("compact loads").exit_code, 0);
  r = Run("stats --json");
  // loads' compacted segment, and __catalog's (the branch's creation).
  EXPECT_NE(r.output.find(R"({"stat":"segments","value":"2"})"),
            std::string::npos)
      << r.output;
  r = Run("status");
  EXPECT_NE(r.output.find("sync"), std::string::npos) << r.output;
  r = Run("branch list --json");
  EXPECT_NE(r.output.find(R"("name":"option-b","parent":"main")"),
            std::string::npos)
      << r.output;
  r = Run("space list");
  EXPECT_NE(r.output.find("loads"), std::string::npos);
}

// A second server pulling from the first: `replication status` shows it as
// a source on the follower and as a subscriber on the first server.
TEST_F(CliTest, ReplicationStatusShowsSourcesAndSubscribers) {
  testing::ServerProcess follower(
      dir_.path() + "/follower",
      {"--node-id=2", "--peer=" + server_->address()});
  ASSERT_TRUE(follower.Start());
  ASSERT_EQ(Run("space create s --dims 2").exit_code, 0);
  ASSERT_EQ(Run("put s --point 1,2 --value v").exit_code, 0);
  std::string follower_status;
  for (int attempt = 0; attempt < 200; ++attempt) {
    std::string command = std::string(INFDB_CLI_PATH) + " --server " +
                          follower.address() + " --json replication status";
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[4096];
    size_t n;
    follower_status.clear();
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
      follower_status.append(buffer, n);
    }
    ASSERT_EQ(pclose(pipe), 0);
    if (follower_status.find("\"cursor\":\"1\"") != std::string::npos) break;
    usleep(50'000);
  }
  EXPECT_NE(follower_status.find("\"role\":\"source\""), std::string::npos)
      << follower_status;
  EXPECT_NE(follower_status.find("\"peer\":\"" + server_->address() + "\""),
            std::string::npos)
      << follower_status;
  EXPECT_NE(follower_status.find("\"state\":\"streaming\""), std::string::npos)
      << follower_status;
  EXPECT_NE(follower_status.find("\"cursor\":\"1\""), std::string::npos)
      << follower_status;

  CliResult source = Run("replication status");
  EXPECT_EQ(source.exit_code, 0);
  EXPECT_NE(source.output.find("subscriber  node-2"), std::string::npos)
      << source.output;
  EXPECT_NE(source.output.find("connected"), std::string::npos)
      << source.output;
  EXPECT_EQ(Run("replication").exit_code, 2);
  EXPECT_EQ(Run("replication frobnicate").exit_code, 2);

  // The follower goes away for good: once disconnected, it can be
  // forgotten.
  EXPECT_NE(Run("replication forget node-2").exit_code, 0);  // connected
  ASSERT_EQ(follower.Stop(), 0);
  bool disconnected = false;
  for (int attempt = 0; attempt < 200 && !disconnected; ++attempt) {
    disconnected = Run("replication status").output.find("disconnected") !=
                   std::string::npos;
    if (!disconnected) usleep(50'000);
  }
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(Run("replication forget node-2").exit_code, 0);
  EXPECT_EQ(Run("replication status").output.find("node-2"), std::string::npos);
  CliResult again = Run("replication forget node-2");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("NOT_FOUND"), std::string::npos) << again.output;
}

// `health` asks the gRPC health service: exit 0 while the server serves, 3
// once it cannot be reached.
TEST_F(CliTest, HealthExitsZeroWhileServing) {
  CliResult r = Run("health");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("SERVING"), std::string::npos) << r.output;
  EXPECT_EQ(Run("health --json").output, "[{\"status\":\"SERVING\"}]\n");
  const std::string address = server_->address();
  ASSERT_EQ(server_->Stop(), 0);
  r = testing::RunShellCommand(std::string(INFDB_CLI_PATH) + " --server " +
                               address + " health");
  EXPECT_EQ(r.exit_code, 3) << r.output;
}

TEST_F(CliTest, FailuresPrintOneLineAndExitNonZero) {
  ASSERT_EQ(Run("space create s --dims 2").exit_code, 0);
  CliResult r = Run("get s --point 1,2,3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output,
            "infdb-cli: INVALID_ARGUMENT: point: space 's' has 2 dimensions, "
            "got 3 coordinates\n");
  r = Run("put nope --point 1 --value x");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("NOT_FOUND"), std::string::npos);
  EXPECT_EQ(Run("frobnicate").exit_code, 2);
  EXPECT_EQ(Run("put s --point 1,x --value v").exit_code, 2);
  EXPECT_EQ(Run("space create t --dims 17").exit_code, 1);
}

}  // namespace
}  // namespace infinitedb
