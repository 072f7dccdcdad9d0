// Starts a private PostgreSQL instance for a benchmark: initdb into
// <dir>/pgdata (trust authentication, superuser "postgres"), then the
// server on a free loopback port, listening on 127.0.0.1 only, its unix
// socket in <dir>/sock and its log in <dir>/postgres.log; stops it again
// (also from the destructor). The binaries come from $PG_BIN or Debian's
// /usr/lib/postgresql/15/bin. PostgreSQL refuses to run as root: then
// initdb and the server run as the user "postgres" and <dir> is given to
// it.
#ifndef INFINITEDB_BENCH_POSTGRES_LAUNCHER_H_
#define INFINITEDB_BENCH_POSTGRES_LAUNCHER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace infinitedb::bench {

class PostgresLauncher {
 public:
  ~PostgresLauncher() { Stop(); }

  // Creates and starts the instance; `settings` are postgresql.conf lines
  // ("shared_buffers = 256MB"). Returns a libpq connection string. Any
  // failure is Unavailable, with the reason and where the log is.
  absl::StatusOr<std::string> Start(const std::string& dir,
                                    const std::vector<std::string>& settings);
  // A fast shutdown, waiting for it; nothing when not started.
  void Stop();
  const std::string& data_dir() const { return data_dir_; }

  // Stops an instance left running in <dir>/pgdata (by a benchmark process
  // that died): an immediate shutdown. Nothing when there is none.
  static void StopLeftover(const std::string& dir);

 private:
  std::string dir_;
  std::string data_dir_;
  bool started_ = false;
};

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_POSTGRES_LAUNCHER_H_
