// infdb-cli: the admin and scripting tool of InfiniteDB. Human-readable
// tables by default, --json for scripts; on failure a one-line error on
// stderr and a non-zero exit code (2 for usage errors, 1 otherwise).
#include <cstdio>
#include <cstring>

#include "client/cli_commands.h"

int main(int argc, char** argv) {
  infinitedb::cli::Args args;
  infinitedb::client::ClientOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(infinitedb::cli::kUsage, stdout);
      return 0;
    }
    if (arg == "--json") {
      args.json = true;
    } else if (arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2);
      std::string value;
      size_t equals = name.find('=');
      if (equals != std::string::npos) {
        value = name.substr(equals + 1);
        name = name.substr(0, equals);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        std::fprintf(stderr, "infdb-cli: --%s needs a value\n", name.c_str());
        return 2;
      }
      if (name == "server") {
        options.target = value;
      } else {
        args.flags[name] = value;
      }
    } else {
      args.words.push_back(arg);
    }
  }
  infinitedb::client::Client client(options);
  absl::Status status = infinitedb::cli::RunCommand(client, args);
  if (status.ok()) return 0;
  std::fprintf(stderr, "infdb-cli: %s: %s\n",
               absl::StatusCodeToString(status.code()).c_str(),
               std::string(status.message()).c_str());
  return status.code() == absl::StatusCode::kInvalidArgument &&
                 status.message().find("--help") != absl::string_view::npos
             ? 2
             : 1;
}
