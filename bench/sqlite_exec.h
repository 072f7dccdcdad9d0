// One or more SQL statements on an SQLite database, without results: what
// the benchmarks' SQLite stores run for their schemas and transactions.
#ifndef INFINITEDB_BENCH_SQLITE_EXEC_H_
#define INFINITEDB_BENCH_SQLITE_EXEC_H_

#include <sqlite3.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace infinitedb::bench {

// Errors name the statement and SQLite's message.
inline absl::Status SqliteExec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) {
    return absl::OkStatus();
  }
  absl::Status status = absl::InternalError(
      absl::StrFormat("sqlite: %s: %s", sql, message ? message : "?"));
  sqlite3_free(message);
  return status;
}

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_SQLITE_EXEC_H_
