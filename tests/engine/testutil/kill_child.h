// Crash tests' child process: runs a writer in a forked child, kills it
// with SIGKILL after a while, and hands back what the child reported on its
// pipe (its acknowledged writes) by then.
#ifndef INFINITEDB_TESTS_ENGINE_TESTUTIL_KILL_CHILD_H_
#define INFINITEDB_TESTS_ENGINE_TESTUTIL_KILL_CHILD_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "absl/functional/function_ref.h"

namespace infinitedb::testing {

// `child(fd)` runs in the child and must not return (it writes its reports
// to `fd` and _exits). Expects the child to be killed, not to exit early.
inline std::string RunAndKill(absl::FunctionRef<void(int fd)> child,
                              int run_ms) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    child(fds[1]);
    _exit(7);  // the child returned: a bug in the test
  }
  close(fds[1]);
  std::string reported;
  std::thread reader([&] {
    char buffer[4096];
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) {
      reported.append(buffer, n);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(run_ms));
  kill(pid, SIGKILL);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  reader.join();
  close(fds[0]);
  EXPECT_TRUE(WIFSIGNALED(wstatus)) << "child exited early: " << wstatus;
  return reported;
}

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_ENGINE_TESTUTIL_KILL_CHILD_H_
