// The command lines as a contract: infdb-cli refuses flags a command does
// not take and numbers out of range (exit 2, naming the flag, nothing
// written); infdb-server refuses a busy port, an out-of-range port, an
// unknown flag or log level, reads flagfiles with dashed names, and answers
// --help and --version with exit 0. The graph's flags
// (--unknown-edge-labels, --max-edge-*) are checked the same way.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/run_command.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using RunResult = testing::CommandResult;

RunResult RunCommand(const std::string& command) {
  return testing::RunShellCommand(command);
}

std::string ReadLog(const testing::ServerProcess& server) {
  std::ifstream log(server.log_path());
  return std::string((std::istreambuf_iterator<char>(log)),
                     std::istreambuf_iterator<char>());
}

class CliFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data");
    ASSERT_TRUE(server_->Start());
    ASSERT_EQ(Cli("space create loads --dims 3").exit_code, 0);
    ASSERT_EQ(Cli("branch create option-b").exit_code, 0);
  }
  RunResult Cli(const std::string& arguments) {
    return RunCommand(std::string(INFDB_CLI_PATH) + " --server " +
                      server_->address() + " " + arguments);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(CliFlagsTest, MistypedFlagIsAUsageErrorAndWritesNothing) {
  RunResult r = Cli("put loads --point 1,1,1 --value y --brnach option-b");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--brnach"), std::string::npos) << r.output;
  for (const char* branch : {"main", "option-b"}) {
    r = Cli(std::string("get loads --point 1,1,1 --branch ") + branch);
    EXPECT_EQ(r.exit_code, 1) << r.output;  // not found
    EXPECT_NE(r.output.find("NOT_FOUND"), std::string::npos) << r.output;
  }
  r = Cli("get loads --point 1,1,1 --as-f 1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--as-f"), std::string::npos) << r.output;
  // A flag of another command is refused too.
  r = Cli("del loads --point 1,1,1 --value y");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--value"), std::string::npos) << r.output;
  r = Cli("space list --dims 3");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  // A single dash or a word too many is refused too.
  r = Cli("put loads --point 1,1,1 --value y -branch option-b");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("-branch"), std::string::npos) << r.output;
  r = Cli("put loads option-b --point 1,1,1 --value y");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("option-b"), std::string::npos) << r.output;
  EXPECT_EQ(Cli("get loads --point 1,1,1").exit_code, 1);  // still nothing
}

TEST_F(CliFlagsTest, PutIfRevision) {
  RunResult r = Cli("put loads --point 5,5,5 --value a --if-revision 0 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Cli("put loads --point 5,5,5 --value b --if-revision 0");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAILED_PRECONDITION"), std::string::npos)
      << r.output;
  r = Cli("history loads --point 5,5,5 --json");
  EXPECT_EQ(r.output.find("\"b\""), std::string::npos) << r.output;
  // The revision of the first put is the current one now.
  RunResult status = Cli("get loads --point 5,5,5");
  EXPECT_NE(status.output.find("a"), std::string::npos);
  EXPECT_EQ(Cli("del loads --point 5,5,5 --if-revision 999").exit_code, 1);
  EXPECT_EQ(Cli("put loads --point 5,5,5 --value c --if-revision x").exit_code,
            2);
}

TEST_F(CliFlagsTest, NumbersOutOfRangeAreRefused) {
  RunResult r = Cli("space create wrap --dims 4294967298");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--dims"), std::string::npos) << r.output;
  EXPECT_EQ(Cli("space get wrap").exit_code, 1);  // not created
  EXPECT_EQ(Cli("get loads --point 1,1,4294967296").exit_code, 2);
  EXPECT_EQ(Cli("get loads --point 1,1,1 --as-of -1").exit_code, 2);
  EXPECT_EQ(Cli("query loads --limit 18446744073709551616").exit_code, 2);
}

TEST_F(CliFlagsTest, EndpointTimeoutExitCodesHelpAndVersion) {
  const std::string cli = INFDB_CLI_PATH;
  // The server from INFDB_ENDPOINT when --server is not given.
  RunResult r = RunCommand("INFDB_ENDPOINT=" + server_->address() + " " + cli +
                           " space get loads");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // A server that cannot be reached is exit code 3, an error status 1.
  r = RunCommand(cli + " --server 127.0.0.1:1 --timeout 2s status");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_EQ(Cli("space get missing").exit_code, 1);
  EXPECT_EQ(Cli("--timeout soon status").exit_code, 2);
  EXPECT_EQ(Cli("--timeout 500ms status").exit_code, 0);
  r = RunCommand(cli + " help put");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--if-revision"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("history"), std::string::npos) << r.output;
  r = RunCommand(cli + " query --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--cursor"), std::string::npos) << r.output;
  EXPECT_EQ(RunCommand(cli + " help nonsense").exit_code, 2);
  r = RunCommand(cli + " --version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output.rfind("infdb-cli ", 0), 0u) << r.output;
}

TEST(ServerFlagsTest, SecondServerOnABusyPortDoesNotStart) {
  testing::TempDir dir;
  testing::ServerProcess first(dir.path() + "/a");
  ASSERT_TRUE(first.Start());
  testing::ServerProcess second(dir.path() + "/b");
  second.set_listen_address(first.address());
  EXPECT_FALSE(second.Start()) << "both listen on " << first.address();
  std::string log = ReadLog(second);
  EXPECT_NE(log.find("cannot listen on " + first.address()), std::string::npos)
      << log;
}

TEST(ServerFlagsTest, BadValuesAndUnknownFlagsAreRefusedNamingTheFlag) {
  testing::TempDir dir;
  // A server that wrongly starts is stopped after 10 s (and fails below).
  const std::string server = std::string("timeout 10 ") + INFDB_SERVER_PATH;
  const std::string data = " --data-dir=" + dir.path() + "/data";
  struct Case {
    std::string flags;
    std::string named;
    int exit_code = -1;  // -1: any but 0
  };
  for (const Case& c :
       {Case{"--listen=127.0.0.1:99999", "--listen"},
        Case{"--log-level=verbose", "--log_level"},
        Case{"--no-such-flag=1", "--no-such-flag"}, Case{"-bogus=1", "--bogus"},
        Case{"--node-id=4294967296", "node_id"},
        Case{"--unknown-edge-labels=maybe", "--unknown_edge_labels", 2},
        Case{"--reject-dangling-edges=maybe", "reject_dangling_edges"},
        Case{"--max-edge-endpoints=1", "--max_edge_endpoints", 2},
        Case{"--max-edge-endpoints=-2", "max_edge_endpoints"},
        Case{"--max-edge-endpoints=999999999", "--max_edge_endpoints", 2},
        Case{"--max-edge-label-bytes=0", "--max_edge_label_bytes", 2},
        Case{"--max-edge-label-bytes=65537", "--max_edge_label_bytes", 2},
        Case{"--max-edge-property-bytes=4194305", "--max_edge_property_bytes",
             2},
        Case{"--max-value-kb=1 --max-edge-property-bytes=1025",
             "--max_edge_property_bytes", 2},
        Case{"--graph-cache-mb=17592186044416", "--graph_cache_mb", 2},
        Case{"--block-cache-mb=1048577", "--block_cache_mb", 2}}) {
    RunResult r = RunCommand(server + data + " " + c.flags);
    EXPECT_NE(r.exit_code, 0) << c.flags << ": " << r.output;
    if (c.exit_code != -1) {
      EXPECT_EQ(r.exit_code, c.exit_code) << c.flags << ": " << r.output;
    }
    EXPECT_NE(r.output.find(c.named), std::string::npos)
        << c.flags << ": " << r.output;
  }
}

TEST(ServerFlagsTest, HelpAndVersionExitZero) {
  RunResult help = RunCommand(std::string(INFDB_SERVER_PATH) + " --help");
  EXPECT_EQ(help.exit_code, 0) << help.output;
  for (const char* flag : {"--data-dir", "--listen", "--node-id", "--peer",
                           "--segment-compression", "--flagfile",
                           "--unknown-edge-labels", "--reject-dangling-edges",
                           "--max-edge-endpoints", "--max-edge-property-bytes",
                           "--max-edge-label-bytes", "--graph-cache-mb"}) {
    EXPECT_NE(help.output.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(help.output.find("--undefok"), std::string::npos) << help.output;
  EXPECT_EQ(help.output.find("data_dir"), std::string::npos) << help.output;
  EXPECT_EQ(help.output.find("node_id"), std::string::npos) << help.output;
  RunResult version = RunCommand(std::string(INFDB_SERVER_PATH) + " --version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("infdb-server ", 0), 0u) << version.output;
  EXPECT_EQ(version.output.find("absl"), std::string::npos) << version.output;
}

TEST(ServerFlagsTest, FlagfileTakesDashedNames) {
  testing::TempDir dir;
  const std::string flagfile = dir.path() + "/flags";
  std::ofstream(flagfile) << "# a comment\n--data-dir=" << dir.path()
                          << "/flagged\n--node-id=7\n\n--log-level=warn\n";
  testing::ServerProcess server(dir.path() + "/unused",
                                {"--flagfile=" + flagfile});
  ASSERT_TRUE(server.Start()) << ReadLog(server);
  RunResult status = RunCommand(std::string(INFDB_CLI_PATH) + " --server " +
                                server.address() + " status --json");
  EXPECT_TRUE(status.output.find("\"node_id\":7") != std::string::npos ||
              status.output.find("\"node_id\":\"7\"") != std::string::npos)
      << status.output;
  EXPECT_NE(status.output.find("/flagged"), std::string::npos) << status.output;
}

}  // namespace
}  // namespace infinitedb
