// The infdb-cli commands: each parses its operands and flags, calls the
// server through the client library, and prints the result.
#ifndef INFINITEDB_CLIENT_CLI_COMMANDS_H_
#define INFINITEDB_CLIENT_CLI_COMMANDS_H_

#include "absl/status/status.h"
#include "client/cli_args.h"
#include "client/cli_usage.h"
#include "client/infdb_client.h"

namespace infinitedb::cli {

// Runs the command named by args.words; usage errors are InvalidArgument.
absl::Status RunCommand(client::Client& client, const Args& args);

// The box, scope, read options, limit and cursor of `query SPACE ...`.
absl::StatusOr<v1::QueryRequest> QueryFlags(const Args& args);
// Bulk records in JSON lines (cli_records_io.cc) and the change stream
// (cli_watch.cc).
absl::Status ImportCommand(client::Client& client, const Args& args);
absl::Status ExportCommand(client::Client& client, const Args& args);
absl::Status WatchCommand(client::Client& client, const Args& args);
// Backups (cli_snapshot.cc).
absl::Status SnapshotCommand(client::Client& client, const Args& args);

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_COMMANDS_H_
