// Command-line arguments of infdb-cli: positional words and --flag values.
#ifndef INFINITEDB_CLIENT_CLI_ARGS_H_
#define INFINITEDB_CLIENT_CLI_ARGS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli_output.h"

namespace infinitedb::cli {

struct Args {
  std::vector<std::string> words;  // the command and its operands
  // --name value (or --name for a switch), every value of a flag given
  // more than once in order (only flags a command declares repeatable may
  // be; CheckCommandLine refuses the rest).
  std::map<std::string, std::vector<std::string>> flags;
  OutputFormat output = OutputFormat::kTable;

  // The flag's value (its last one); nullopt when absent.
  std::optional<std::string> Flag(const std::string& name) const {
    auto it = flags.find(name);
    if (it == flags.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
  // Every value of a repeatable flag, in order; empty when absent.
  std::vector<std::string> FlagValues(const std::string& name) const {
    auto it = flags.find(name);
    if (it == flags.end()) return {};
    return it->second;
  }
};

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_ARGS_H_
