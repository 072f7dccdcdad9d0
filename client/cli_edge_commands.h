// The `infdb-cli edge` commands: writes and reads of single edges
// (cli_edge_commands.cc), the graph queries and the dangling-edge check
// (cli_edge_queries.cc), bulk import from JSON lines (cli_edge_import.cc)
// and the kind catalogue (cli_edge_kinds.cc).
#ifndef INFINITEDB_CLIENT_CLI_EDGE_COMMANDS_H_
#define INFINITEDB_CLIENT_CLI_EDGE_COMMANDS_H_

#include "absl/status/status.h"
#include "client/cli_args.h"
#include "client/infdb_client.h"
#include "infinitedb/v1/graph.pb.h"

namespace infinitedb::cli {

// `edge VERB ...`: runs the verb; usage errors are InvalidArgument.
absl::Status EdgeCommand(client::Client& client, const Args& args);

// `edge incident|box|kind|degree|traverse|path|cycle|dangling`.
absl::Status EdgeQueryCommand(client::Client& client, const Args& args);

// `edge kinds` and `edge declare KIND [--directed] [--role R ...]`.
absl::Status EdgeKindsCommand(client::Client& client, const Args& args);

// `edge import FILE [--batch N] [--branch B]`.
absl::Status EdgeImportCommand(client::Client& client, const Args& args);

// One edge as a JSON object, as in an import file's line.
absl::StatusOr<v1::Edge> EdgeOfJson(const std::string& text);

// --direction, --kind ... and --role ... as a filter.
absl::StatusOr<v1::EdgeFilter> FilterFlags(const Args& args);

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_EDGE_COMMANDS_H_
