// infdb-server's command line before absl parses it: --help (this server's
// flags, with dashes; exit 0) and --version answered here; flag names with
// dashes or underscores, on the command line and in --flagfile files alike;
// and every --peer merged into one list (an absl flag keeps only its last
// value).
#ifndef INFINITEDB_SERVER_COMMAND_LINE_H_
#define INFINITEDB_SERVER_COMMAND_LINE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace infinitedb::server {

struct CommandLine {
  // What to print and exit with instead of serving (--help, --version).
  std::optional<std::string> answer;
  // The arguments for absl::ParseCommandLine, program name first.
  std::vector<std::string> args;
};

// InvalidArgument naming the file when a --flagfile cannot be read.
absl::StatusOr<CommandLine> PrepareCommandLine(int argc, char** argv);

// The --help text: every flag defined in server/, with dashes, its default
// and its help.
std::string ServerHelp();

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_COMMAND_LINE_H_
