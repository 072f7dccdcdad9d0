// Runs a shell command for an integration test and returns its exit code
// and everything it printed (stdout and stderr together).
#ifndef INFINITEDB_TESTS_INTEGRATION_RUN_COMMAND_H_
#define INFINITEDB_TESTS_INTEGRATION_RUN_COMMAND_H_

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace infinitedb::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string output;  // stdout and stderr
};

inline CommandResult RunShellCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    result.output.append(buffer, n);
  }
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_INTEGRATION_RUN_COMMAND_H_
