// The infdb-cli commands: each parses its operands and flags, calls the
// server through the client library, and prints the result.
#ifndef INFINITEDB_CLIENT_CLI_COMMANDS_H_
#define INFINITEDB_CLIENT_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/cli_args.h"
#include "client/infdb_client.h"

namespace infinitedb::cli {

// Runs the command named by args.words; usage errors are InvalidArgument.
absl::Status RunCommand(client::Client& client, const Args& args);

extern const char kUsage[];

// The usage of `topic` (a command, or a command and its verb: "space
// create"); the whole usage when `topic` is empty; empty when there is no
// such command.
std::string HelpFor(const std::vector<std::string>& topic);

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_COMMANDS_H_
