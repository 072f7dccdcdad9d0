// Command-line arguments of infdb-cli: positional words and --flag values.
#ifndef INFINITEDB_CLIENT_CLI_ARGS_H_
#define INFINITEDB_CLIENT_CLI_ARGS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace infinitedb::cli {

struct Args {
  std::vector<std::string> words;            // the command and its operands
  std::map<std::string, std::string> flags;  // --name value (or --name)
  bool json = false;

  std::optional<std::string> Flag(const std::string& name) const {
    auto it = flags.find(name);
    if (it == flags.end()) return std::nullopt;
    return it->second;
  }
};

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_ARGS_H_
