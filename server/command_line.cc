#include "server/command_line.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>

#include "absl/flags/reflection.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "server/version.h"

namespace infinitedb::server {
namespace {

// --data-dir=x -> --data_dir=x (the name only; values keep their dashes).
std::string Underscored(std::string arg) {
  if (arg.size() < 3 || arg[0] != '-' || arg[1] != '-') return arg;
  for (size_t i = 2; i < arg.size() && arg[i] != '='; ++i) {
    if (arg[i] == '-') arg[i] = '_';
  }
  return arg;
}

// The arguments of a flagfile: one flag per line; blank lines and lines
// starting with # are skipped.
absl::StatusOr<std::vector<std::string>> ReadFlagfile(const std::string& path,
                                                      int depth) {
  if (depth > 8) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--flagfile: %s: flagfiles nest too deep", path));
  }
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--flagfile: cannot read %s", path));
  }
  std::vector<std::string> args;
  for (std::string line; std::getline(in, line);) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    args.emplace_back(text);
  }
  return args;
}

// Expands flagfiles (recursively) and turns dashes into underscores.
absl::Status Expand(const std::vector<std::string>& in, int depth,
                    std::vector<std::string>* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    std::string arg = in[i];
    // absl takes -flag as well as --flag: check and convert both.
    if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-') arg = "-" + arg;
    arg = Underscored(std::move(arg));
    std::optional<std::string> flagfile;
    if (arg.starts_with("--flagfile=")) {
      flagfile = arg.substr(11);
    } else if (arg == "--flagfile" && i + 1 < in.size()) {
      flagfile = in[++i];
    }
    if (!flagfile) {
      out->push_back(std::move(arg));
      continue;
    }
    absl::StatusOr<std::vector<std::string>> lines =
        ReadFlagfile(*flagfile, depth);
    if (!lines.ok()) return lines.status();
    absl::Status status = Expand(*lines, depth + 1, out);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// InvalidArgument naming the first flag this server does not have.
absl::Status CheckFlagNames(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (!arg.starts_with("--") || arg == "--") continue;
    std::string name = arg.substr(2, arg.find('=') - 2);
    bool known = absl::FindCommandLineFlag(name) != nullptr;
    // --nofoo turns a boolean flag foo off.
    if (!known && name.starts_with("no")) {
      known = absl::FindCommandLineFlag(name.substr(2)) != nullptr;
    }
    if (known) continue;
    std::replace(name.begin(), name.end(), '_', '-');
    return absl::InvalidArgumentError(absl::StrFormat(
        "unknown flag --%s (infdb-server --help lists the flags)", name));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ServerHelp() {
  std::map<std::string, std::string> lines;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (flag->Filename().find("server/") == std::string::npos) continue;
    std::string dashed(name);
    std::replace(dashed.begin(), dashed.end(), '_', '-');
    lines[dashed] = absl::StrFormat(
        "  --%s (default: %s)\n      %s\n", dashed,
        flag->DefaultValue().empty() ? "none" : flag->DefaultValue(),
        flag->Help());
  }
  std::string help = absl::StrFormat(
      "infdb-server %s: serves an InfiniteDB data directory over gRPC.\n\n"
      "usage: infdb-server [--data-dir=DIR] [--listen=HOST:PORT] "
      "[--flagfile=FILE] [FLAG...]\n\n"
      "Flags may be spelled with dashes or underscores, on the command line "
      "and in a\nflagfile (one --flag=value per line, # starts a comment).\n\n"
      "flags:\n",
      kServerVersion);
  for (const auto& [name, line] : lines) help += line;
  // Help texts name other flags with underscores: show them with dashes.
  for (size_t at = help.find("--"); at != std::string::npos;
       at = help.find("--", at + 2)) {
    for (size_t i = at + 2;
         i < help.size() &&
         (std::isalnum(help[i]) || help[i] == '_' || help[i] == '-');
         ++i) {
      if (help[i] == '_') help[i] = '-';
    }
  }
  help += "  --flagfile=FILE\n      Reads flags from FILE.\n";
  help += "  --help\n      Prints this and exits.\n";
  help += "  --version\n      Prints the version and exits.\n";
  return help;
}

absl::StatusOr<CommandLine> PrepareCommandLine(int argc, char** argv) {
  CommandLine result;
  std::vector<std::string> given(argv + 1, argv + argc);
  for (const std::string& arg : given) {
    if (arg == "--help" || arg == "-h" || arg == "--helpfull") {
      result.answer = ServerHelp();
      return result;
    }
    if (arg == "--version") {
      result.answer = absl::StrFormat("infdb-server %s\n", kServerVersion);
      return result;
    }
  }
  std::vector<std::string> expanded;
  absl::Status status = Expand(given, 0, &expanded);
  if (!status.ok()) return status;
  status = CheckFlagNames(expanded);
  if (!status.ok()) return status;
  std::vector<std::string> peers;
  result.args.push_back(argv[0]);
  for (size_t i = 0; i < expanded.size(); ++i) {
    const std::string& arg = expanded[i];
    if (arg.starts_with("--peer=")) {
      peers.push_back(arg.substr(7));
    } else if (arg == "--peer" && i + 1 < expanded.size()) {
      peers.push_back(expanded[++i]);
    } else {
      result.args.push_back(arg);
    }
  }
  if (!peers.empty())
    result.args.push_back("--peer=" + absl::StrJoin(peers, ","));
  return result;
}

}  // namespace infinitedb::server
