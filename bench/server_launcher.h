// Starts an infdb-server process for a benchmark (the binary next to
// infdb-bench in the build tree, or $INFDB_SERVER) on a free loopback port,
// with its log in <dir>/server.log, and stops it with SIGTERM.
#ifndef INFINITEDB_BENCH_SERVER_LAUNCHER_H_
#define INFINITEDB_BENCH_SERVER_LAUNCHER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace infinitedb::bench {

class ServerLauncher {
 public:
  ~ServerLauncher() { Stop(); }

  // Serves <dir>/data; returns "127.0.0.1:PORT" once it listens.
  absl::StatusOr<std::string> Start(const std::string& dir,
                                    const std::vector<std::string>& flags);
  void Stop();

 private:
  pid_t pid_ = -1;
};

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_SERVER_LAUNCHER_H_
