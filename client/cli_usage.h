// What infdb-cli accepts: the usage text, the flags and operands each
// command takes, and the usage errors (InvalidArgument ending in "--help",
// which main turns into exit code 2).
#ifndef INFINITEDB_CLIENT_CLI_USAGE_H_
#define INFINITEDB_CLIENT_CLI_USAGE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/cli_args.h"

namespace infinitedb::cli {

extern const char kUsage[];

// A usage error: `what`, and where to read the usage.
absl::Status Usage(const std::string& what);

// True for the flags that take no value (--directed, --weighted,
// --b-connectivity, --dry-run, --all): present means "true".
bool IsSwitch(const std::string& name);

// A usage error naming the first flag the command does not take, a flag
// given twice that the command does not repeat, or a word too many; OK
// otherwise.
absl::Status CheckCommandLine(const Args& args);

// The usage of `topic` (a command, or a command and its verb: "space
// create"); the whole usage when `topic` is empty; empty when there is no
// such command.
std::string HelpFor(const std::vector<std::string>& topic);

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_USAGE_H_
