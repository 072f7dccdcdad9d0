// Runs a piece of a benchmark in a forked child process, so that each
// system measured has its memory, caches and peak RSS to itself, and
// collects what the child writes back through a pipe.
#ifndef INFINITEDB_BENCH_CHILD_PROCESS_H_
#define INFINITEDB_BENCH_CHILD_PROCESS_H_

#include <string>

#include "absl/functional/function_ref.h"

namespace infinitedb::bench {

struct ChildRun {
  bool started = false;    // the pipe and the fork worked
  std::string output;      // everything the child wrote to its descriptor
  bool exited_ok = false;  // it exited with status 0
  double peak_rss_mb = 0;
};

// Calls `child` in a child process with the pipe's write end; the child
// exits with 0 when `child` returns (it may exit itself).
ChildRun RunInChildProcess(absl::FunctionRef<void(int out_fd)> child);

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_CHILD_PROCESS_H_
