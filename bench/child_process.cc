#include "bench/child_process.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

namespace infinitedb::bench {

ChildRun RunInChildProcess(absl::FunctionRef<void(int out_fd)> child) {
  ChildRun run;
  std::fflush(nullptr);  // nothing buffered is written twice
  int fds[2];
  if (pipe(fds) != 0) return run;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return run;
  }
  if (pid == 0) {
    close(fds[0]);
    child(fds[1]);
    _exit(0);
  }
  run.started = true;
  close(fds[1]);
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) {
    run.output.append(buffer, n);
  }
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  run.exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  run.peak_rss_mb = usage.ru_maxrss / 1024.0;
  return run;
}

}  // namespace infinitedb::bench
