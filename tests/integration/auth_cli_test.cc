// Integration test of infdb-cli's access-control commands (client/
// cli_auth_commands.h) against a real server: the etcdctl-like session of
// the README (users with passwords from the operand, standard input and a
// file; roles and grants; auth enable, status and disable), --user on
// every command with exit code 1 for a wrong password or a missing grant,
// and usage errors (exit code 2) that send nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/run_command.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using testing::CommandResult;

class AuthCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data");
    ASSERT_TRUE(server_->Start());
  }

  // infdb-cli ARGUMENTS, with standard input from `input` (none: empty).
  CommandResult Run(const std::string& arguments,
                    const std::string& input = "") {
    return testing::RunShellCommand(
        "printf '" + input + "' | " + std::string(INFDB_CLI_PATH) +
        " --timeout 10s --server " + server_->address() + " " + arguments);
  }

  // Runs and expects exit code 0.
  std::string Ok(const std::string& arguments, const std::string& input = "") {
    CommandResult r = Run(arguments, input);
    EXPECT_EQ(r.exit_code, 0) << arguments << ": " << r.output;
    return r.output;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(AuthCliTest, SessionOfTheReadme) {
  const std::string file = dir_.path() + "/bob.password";
  std::ofstream(file) << "bob-password\n";
  Ok("user add root:root-password");
  Ok("user add alice", "alice-password\\n");  // from standard input
  Ok("user add bob --password-file " + file);
  Ok("user add robot --no-password");
  Ok("role add site-reader");
  Ok("role grant site-reader read 'site-*' --branch main");
  Ok("role grant site-reader write site-1");
  Ok("user grant-role alice site-reader");
  Ok("space create site-1 --dims 2");
  Ok("space create other --dims 2");

  EXPECT_EQ(Ok("--output json user list"),
            R"([{"name":"alice","roles":["site-reader"],"has_password":true},)"
            R"({"name":"bob","roles":[],"has_password":true},)"
            R"({"name":"robot","roles":[],"has_password":false},)"
            R"({"name":"root","roles":[],"has_password":true}])"
            "\n");
  EXPECT_EQ(Ok("--output json role list"),
            R"([{"name":"site-reader","grants":[)"
            R"({"permission":"read","space":"site-*","branch":"main"},)"
            R"({"permission":"write","space":"site-1","branch":""}]}])"
            "\n");

  Ok("auth enable");
  EXPECT_NE(Ok("--output json auth status").find(R"("enabled":true)"),
            std::string::npos);
  CommandResult anonymous = Run("space list");
  EXPECT_EQ(anonymous.exit_code, 1) << anonymous.output;
  EXPECT_NE(anonymous.output.find("UNAUTHENTICATED"), std::string::npos);

  const std::string alice = "--user alice:alice-password ";
  EXPECT_NE(Ok(alice + "--output json auth status")
                .find(R"("user":"alice","method":"token")"),
            std::string::npos);
  Ok(alice + "put site-1 --point 1,2 --value beam");
  std::string listed = Ok(alice + "space list");
  EXPECT_NE(listed.find("site-1"), std::string::npos) << listed;
  EXPECT_EQ(listed.find("other"), std::string::npos) << listed;
  CommandResult denied = Run(alice + "put other --point 1,2 --value x");
  EXPECT_EQ(denied.exit_code, 1) << denied.output;
  EXPECT_NE(denied.output.find("PERMISSION_DENIED: user 'alice' lacks write "
                               "on space 'other'"),
            std::string::npos)
      << denied.output;
  EXPECT_EQ(Run(alice + "user list").exit_code, 1);
  EXPECT_EQ(Run(alice + "auth disable").exit_code, 1);

  // The password from $INFDB_PASSWORD, and from standard input.
  EXPECT_EQ(Run("--user bob auth status", "bob-password\\n").exit_code, 0);
  CommandResult wrong = Run("--user bob:not-her-password auth status");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_NE(wrong.output.find("UNAUTHENTICATED"), std::string::npos);
  EXPECT_EQ(testing::RunShellCommand(
                "INFDB_PASSWORD=root-password " + std::string(INFDB_CLI_PATH) +
                " --server " + server_->address() + " --user root user list")
                .exit_code,
            0);

  // Revoking the write grant: alice's next write is refused, reads go on.
  const std::string root = "--user root:root-password ";
  Ok(root + "role revoke site-reader write site-1");
  EXPECT_EQ(Run(alice + "put site-1 --point 1,2 --value changed").exit_code, 1);
  EXPECT_NE(Ok(alice + "get site-1 --point 1,2").find("beam"),
            std::string::npos);

  // A new password: the old one stops working.
  Ok(root + "user passwd alice --password-file " + file);
  EXPECT_EQ(Run(alice + "auth status").exit_code, 1);
  Ok("--user alice:bob-password get site-1 --point 1,2");

  Ok(root + "user revoke-role alice site-reader");
  EXPECT_EQ(Run("--user alice:bob-password get site-1 --point 1,2").exit_code,
            1);
  Ok(root + "role delete site-reader");
  Ok(root + "user delete bob");
  EXPECT_EQ(Ok(root + "--output json user list").find("\"bob\""),
            std::string::npos);
  Ok(root + "auth disable");
  Ok("space list");
}

TEST_F(AuthCliTest, UsageErrorsSendNothing) {
  for (const std::string& arguments :
       {std::string("user add"), std::string("user add x:pw --no-password"),
        std::string("user add x:password1 --password-file /nonexistent"),
        std::string("user grant-role alice"),
        std::string("role grant r execute s"), std::string("role grant r read"),
        std::string("role list extra"), std::string("auth open"),
        std::string("user rename a b"),
        std::string("role add r --branch main")}) {
    CommandResult r = Run(arguments);
    EXPECT_EQ(r.exit_code, 2) << arguments << ": " << r.output;
  }
  // Nothing was made.
  EXPECT_EQ(Ok("--output json user list"), "[]\n");
  EXPECT_EQ(Ok("--output json role list"), "[]\n");
  // The server's own refusals are exit code 1, naming the field.
  CommandResult short_password = Run("user add x:short");
  EXPECT_EQ(short_password.exit_code, 1) << short_password.output;
  EXPECT_NE(short_password.output.find("password"), std::string::npos);
  CommandResult no_root = Run("auth enable");
  EXPECT_EQ(no_root.exit_code, 1) << no_root.output;
  EXPECT_NE(no_root.output.find("root"), std::string::npos);
}

}  // namespace
}  // namespace infinitedb
