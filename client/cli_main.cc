// infdb-cli: the admin and scripting tool of InfiniteDB. Human-readable
// tables by default, --output json|jsonl for scripts (cli_output.h); on failure
// a one-line error on stderr and an exit code that tells what failed:
//
//   0  success
//   1  the server answered with an error (NOT_FOUND, FAILED_PRECONDITION...)
//   2  a usage error (unknown command or flag, bad value); nothing was sent
//   3  the server could not be reached (UNAVAILABLE, DEADLINE_EXCEEDED)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "client/cli_auth_commands.h"
#include "client/cli_commands.h"

namespace {

constexpr char kCliVersion[] = "0.1.0";

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return 0;
  if (status.code() == absl::StatusCode::kInvalidArgument &&
      status.message().find("--help") != absl::string_view::npos) {
    return 2;
  }
  if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status)) {
    return 3;
  }
  return 1;
}

// "5000", "5000ms", "5s" -> milliseconds; 0 when malformed.
int64_t TimeoutMs(const std::string& text) {
  std::string digits = text;
  int64_t scale = 1;
  if (digits.size() > 2 && digits.ends_with("ms")) {
    digits.resize(digits.size() - 2);
  } else if (digits.size() > 1 && digits.ends_with("s")) {
    digits.resize(digits.size() - 1);
    scale = 1000;
  }
  int64_t value = 0;
  if (!absl::SimpleAtoi(digits, &value) || value <= 0 ||
      value > 86'400'000 / scale) {
    return 0;
  }
  return value * scale;
}

// Reads the PEM file of a TLS flag into `text`; false (reported) when it
// cannot be read.
bool ReadPem(const std::string& flag, const std::string& path,
             std::string* text) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  if (!in || contents.str().empty()) {
    std::fprintf(stderr, "infdb-cli: --%s: cannot read '%s'\n", flag.c_str(),
                 path.c_str());
    return false;
  }
  *text = contents.str();
  return true;
}

// The TLS flags (--cacert, --cert, --key, --server-name; $INFDB_CACERT,
// $INFDB_CERT, $INFDB_KEY), into the client's options; false (reported)
// on a bad one.
bool TakeTlsFlag(const std::string& name, const std::string& value,
                 infinitedb::client::TlsOptions& tls) {
  tls.enabled = true;
  if (name == "server-name") {
    tls.server_name = value;
    return true;
  }
  std::string* text = name == "cacert" ? &tls.root_certs
                      : name == "cert" ? &tls.cert_chain
                                       : &tls.private_key;
  return ReadPem(name, value, text);
}

bool IsTlsFlag(const std::string& name) {
  return name == "cacert" || name == "cert" || name == "key" ||
         name == "server-name";
}

bool TlsFromEnvironment(infinitedb::client::TlsOptions& tls) {
  for (const auto& [variable, flag] :
       {std::pair{"INFDB_CACERT", "cacert"}, std::pair{"INFDB_CERT", "cert"},
        std::pair{"INFDB_KEY", "key"}}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0' && !TakeTlsFlag(flag, value, tls)) {
      return false;
    }
  }
  return true;
}

// --user NAME[:PASSWORD]: without the password, $INFDB_PASSWORD, else
// asked for on the terminal.
absl::Status Authenticate(infinitedb::client::Client& client,
                          const std::string& user) {
  const size_t colon = user.find(':');
  std::string name = user.substr(0, colon);
  std::string password;
  if (colon != std::string::npos) {
    password = user.substr(colon + 1);
  } else if (const char* env = std::getenv("INFDB_PASSWORD"); env != nullptr) {
    password = env;
  } else {
    absl::StatusOr<std::string> typed = infinitedb::cli::AskPassword(
        "password of " + name + ": ", false, "--user");
    if (!typed.ok()) return typed.status();
    password = *typed;
  }
  return client.Authenticate(name, password);
}

}  // namespace

int main(int argc, char** argv) {
  infinitedb::cli::Args args;
  infinitedb::client::ClientOptions options;
  if (const char* endpoint = std::getenv("INFDB_ENDPOINT");
      endpoint != nullptr && *endpoint != '\0') {
    options.target = endpoint;
  }
  if (!TlsFromEnvironment(options.tls)) return 2;
  std::string user;  // --user NAME[:PASSWORD], or $INFDB_USER
  if (const char* from_env = std::getenv("INFDB_USER"); from_env != nullptr) {
    user = from_env;
  }
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (arg == "--version") {
      std::printf("infdb-cli %s\n", kCliVersion);
      return 0;
    } else if (arg == "--tls") {
      options.tls.enabled = true;  // the system's CAs unless --cacert
    } else if (arg == "--json") {
      args.output = infinitedb::cli::OutputFormat::kJson;
    } else if (arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2);
      std::string value;
      size_t equals = name.find('=');
      if (equals != std::string::npos) {
        value = name.substr(equals + 1);
        name = name.substr(0, equals);
      } else if (infinitedb::cli::IsSwitch(name)) {
        value = "true";  // --directed; --directed=false also works
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        std::fprintf(stderr, "infdb-cli: --%s needs a value\n", name.c_str());
        return 2;
      }
      if (name == "output") {
        if (value == "table") {
          args.output = infinitedb::cli::OutputFormat::kTable;
        } else if (value == "json") {
          args.output = infinitedb::cli::OutputFormat::kJson;
        } else if (value == "jsonl") {
          args.output = infinitedb::cli::OutputFormat::kJsonl;
        } else {
          std::fprintf(stderr,
                       "infdb-cli: --output: '%s' is not table, json or "
                       "jsonl\n",
                       value.c_str());
          return 2;
        }
      } else if (name == "server") {
        options.target = value;
      } else if (name == "user") {
        user = value;
      } else if (IsTlsFlag(name)) {
        if (!TakeTlsFlag(name, value, options.tls)) return 2;
      } else if (name == "timeout") {
        int64_t ms = TimeoutMs(value);
        if (ms == 0) {
          std::fprintf(stderr,
                       "infdb-cli: --timeout: '%s' is not a duration such as "
                       "5s or 500ms\n",
                       value.c_str());
          return 2;
        }
        options.deadline = std::chrono::milliseconds(ms);
      } else {
        args.flags[name].push_back(value);
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr,
                   "infdb-cli: %s: unknown option (flags are --name VALUE; "
                   "infdb-cli --help for usage)\n",
                   arg.c_str());
      return 2;
    } else {
      args.words.push_back(arg);
    }
  }
  if (help || (!args.words.empty() && args.words[0] == "help")) {
    // infdb-cli --help, infdb-cli help [COMMAND], infdb-cli COMMAND --help.
    std::vector<std::string> topic = args.words;
    if (!topic.empty() && topic[0] == "help") topic.erase(topic.begin());
    std::string text = infinitedb::cli::HelpFor(topic);
    if (text.empty()) {
      std::fprintf(stderr, "infdb-cli: no command '%s' (infdb-cli --help)\n",
                   topic[0].c_str());
      return 2;
    }
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  if (options.tls.cert_chain.empty() != options.tls.private_key.empty()) {
    std::fprintf(stderr,
                 "infdb-cli: --cert and --key: give both (a client "
                 "certificate and its key) or neither\n");
    return 2;
  }
  infinitedb::client::Client client(options);
  absl::Status status = absl::OkStatus();
  if (!user.empty()) status = Authenticate(client, user);
  if (status.ok()) status = infinitedb::cli::RunCommand(client, args);
  if (status.ok()) return 0;
  std::fprintf(stderr, "infdb-cli: %s: %s\n",
               absl::StatusCodeToString(status.code()).c_str(),
               std::string(status.message()).c_str());
  return ExitCodeFor(status);
}
