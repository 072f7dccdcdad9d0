#include "client/cli_usage.h"

#include <cstdint>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace infinitedb::cli {

const char kUsage[] =
    R"(usage: infdb-cli [--server HOST:PORT] [--timeout 5s] [--json] COMMAND
       infdb-cli help [COMMAND] | COMMAND --help | --version

The server defaults to $INFDB_ENDPOINT, else 127.0.0.1:7070. Exit codes:
0 success, 1 an error from the server, 2 a usage error (nothing was sent),
3 the server could not be reached.

commands:
  status | stats | flush | compact [SPACE]
  replication status
  replication forget SUBSCRIBER_ID
  space create NAME --dims D | space list | space get NAME | space drop NAME
  branch create NAME [--from PARENT] | branch list
  put SPACE --point 1,2,3 (--value TEXT | --value-file FILE) [--branch B]
      [--if-revision R]  (write only if the address's current revision is R;
                          0 = only if it has no live record)
  get SPACE --point 1,2,3 [--as-of R] [--branch B]
  del SPACE --point 1,2,3 [--branch B] [--if-revision R]
  history SPACE --point 1,2,3 [--as-of R] [--branch B]
  query SPACE [--min 1,2 --max 5,6 | --scope 42] [--as-of R] [--branch B]
        [--limit N] [--cursor HEX]
  count SPACE [same shape flags as query]
)";

absl::Status Usage(const std::string& what) {
  return absl::InvalidArgumentError(what + " (infdb-cli --help for usage)");
}

namespace {

// The flags each command takes (besides --server and --json).
const std::map<std::string, std::set<std::string>>& CommandFlags() {
  static const auto* flags = new std::map<std::string, std::set<std::string>>{
      {"space create", {"dims"}},
      {"branch create", {"from"}},
      {"put", {"point", "value", "value-file", "branch", "if-revision"}},
      {"get", {"point", "as-of", "branch"}},
      {"del", {"point", "branch", "if-revision"}},
      {"history", {"point", "as-of", "branch"}},
      {"query", {"min", "max", "scope", "as-of", "branch", "limit", "cursor"}},
      {"count", {"min", "max", "scope", "as-of", "branch", "limit", "cursor"}},
  };
  return *flags;
}

// The most words (the command, its verb and its operands) each command
// takes.
size_t MaxWords(const std::string& command) {
  static const auto* words =
      new std::map<std::string, size_t>{{"space create", 3},
                                        {"space get", 3},
                                        {"space drop", 3},
                                        {"space list", 2},
                                        {"branch create", 3},
                                        {"branch list", 2},
                                        {"put", 2},
                                        {"get", 2},
                                        {"del", 2},
                                        {"history", 2},
                                        {"query", 2},
                                        {"count", 2},
                                        {"replication status", 2},
                                        {"replication forget", 3},
                                        {"status", 1},
                                        {"stats", 1},
                                        {"flush", 1},
                                        {"compact", 2}};
  auto it = words->find(command);
  return it == words->end() ? SIZE_MAX : it->second;
}

}  // namespace

// A usage error naming the first flag the command does not take, or a word
// too many (a mistyped --brnach, or -branch, must not silently write to
// main).
absl::Status CheckCommandLine(const Args& args) {
  std::string command = args.words[0];
  if ((command == "space" || command == "branch" || command == "replication") &&
      args.words.size() > 1) {
    command += " " + args.words[1];
  }
  if (args.words.size() > MaxWords(command)) {
    return Usage(absl::StrFormat("'%s' takes no operand '%s'", command,
                                 args.words[MaxWords(command)]));
  }
  auto known = CommandFlags().find(command);
  for (const auto& [name, value] : args.flags) {
    if (known != CommandFlags().end() && known->second.contains(name)) {
      continue;
    }
    return Usage(
        absl::StrFormat("--%s: '%s' takes no such flag", name, command));
  }
  return absl::OkStatus();
}

std::string HelpFor(const std::vector<std::string>& topic) {
  if (topic.empty()) return kUsage;
  // The usage lines of the command (with their continuation lines).
  std::string help;
  bool in_command = false;
  absl::string_view usage(kUsage);
  size_t commands = usage.find("commands:\n");
  if (commands == absl::string_view::npos) return "";
  for (absl::string_view line :
       absl::StrSplit(usage.substr(commands), '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "  ")) continue;
    if (!absl::StartsWith(line, "   ")) {
      absl::string_view body = line.substr(2);
      in_command = false;
      for (absl::string_view alternative : absl::StrSplit(body, " | ")) {
        if (alternative == topic[0] ||
            absl::StartsWith(alternative, topic[0] + " ")) {
          in_command = true;
        }
      }
    }
    if (in_command) help.append(line.data(), line.size()).append("\n");
  }
  if (help.empty()) return "";
  return "usage: infdb-cli [--server HOST:PORT] [--json] ...\n" + help;
}

}  // namespace infinitedb::cli
