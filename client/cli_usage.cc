#include "client/cli_usage.h"

#include <cstdint>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace infinitedb::cli {

const char kUsage[] =
    R"(usage: infdb-cli [--server HOST:PORT] [--timeout 5s]
                 [--output table|json|jsonl | --json]
                 [--cacert CA.pem] [--cert CERT.pem --key KEY.pem]
                 [--server-name NAME] [--tls] [--user NAME[:PASSWORD]]
                 COMMAND
       infdb-cli help [COMMAND] | COMMAND --help | --version

--output json prints one JSON document, jsonl one object per line as
results arrive (--json = --output json): points are arrays of numbers,
values {"text": ...} or {"base64": ...}, 64-bit numbers decimal strings,
a paged command's cursor in "next_cursor" (README, "Output for scripts").

TLS: --cacert trusts that CA for the server's certificate (--tls alone:
the system's CAs); --cert and --key present a client certificate (servers
with --client-cert-auth); --server-name checks the certificate for that
name instead of the host of --server. $INFDB_CACERT, $INFDB_CERT and
$INFDB_KEY stand for the flags.

Auth: --user NAME[:PASSWORD] authenticates as NAME first (a server with
auth enabled); without the password it is asked for on the terminal, or
taken from $INFDB_PASSWORD. $INFDB_USER stands for the flag.

The server defaults to $INFDB_ENDPOINT, else 127.0.0.1:7070. Exit codes:
0 success, 1 an error from the server, 2 a usage error (nothing was sent),
3 the server could not be reached.

commands:
  status | stats | flush | compact [SPACE] [--progress]
      (compact: progress on a terminal, or a line a second with --progress,
       ending "compact: N of N versions")
  health
      (the gRPC health service: exit 0 when the server is SERVING, 3 when
       it is not or cannot be reached)
  replication status
  replication forget SUBSCRIBER_ID
  space create NAME --dims D | space list | space get NAME | space drop NAME
  branch create NAME [--from PARENT] | branch list [--changes]
  branch drop NAME
      (--changes: also each branch's and its parent's changed addresses and
       edges since their merge base)
  branch status NAME
      (the branch against its parent since their merge base: changed
       addresses and edges on each side, and the merge into it in progress)
  branch diff FROM TO [--space S [--min 1,2 --max 5,6]] [--limit N]
      [--cursor HEX]
      (FROM and TO are BRANCH or BRANCH@REVISION: two branches, or two
       revisions of one; every address and edge whose live version differs,
       added, modified or removed)
  branch merge SOURCE [--into TARGET] [--strategy fail|prefer-target|
      prefer-source] [--dry-run] [--conflict-limit N]
      (three-way from the merge base, one revision on TARGET (default
       main); with conflicts and --strategy fail (the default) nothing is
       applied, the conflicts are kept and the exit code is 1)
  branch conflicts [--into TARGET] [--limit N] [--cursor HEX]
  branch resolve (ID | --all | --space S --point 1,2,3 | --edge ID)
      (--take ours|theirs|delete | --value TEXT | --value-file FILE |
       --edge-json JSON) [--into TARGET]
  branch commit [--into TARGET]
      (applies the resolutions in one revision; refused while any conflict
       is unresolved)
  branch abort [--into TARGET]
  put SPACE --point 1,2,3 (--value TEXT | --value-file FILE) [--branch B]
      [--if-revision R]  (write only if the address's current revision is R;
                          0 = only if it has no live record)
  get SPACE --point 1,2,3 [--as-of R] [--branch B]
  del SPACE --point 1,2,3 [--branch B] [--if-revision R]
  history SPACE --point 1,2,3 [--as-of R] [--branch B]
  query SPACE [--min 1,2 --max 5,6 | --scope 42] [--as-of R] [--branch B]
        [--limit N] [--cursor HEX]
  count SPACE [same shape flags as query]
  export SPACE [--min 1,2 --max 5,6 | --scope 42] [--as-of R] [--branch B]
      (every live record as JSON lines, {"point":[1,2],"value":{"text":"v"},
       "revision":"7"}, all at one revision; progress on a terminal)
  import SPACE FILE [--batch N] [--branch B]
      (JSON lines as export writes them ("value" may be a plain string;
       "deleted":true deletes); each batch of N lines (default 1000) is
       one atomic write; prints the refused batches)
  watch SPACE [--min 1,2 --max 5,6] [--branch B] [--from-revision R]
      [--limit N]
      (the space's changes as they commit, one line each; from the current
       revision unless --from-revision; --limit N stops after N changes)
  snapshot save FILE [--incremental-from BASE]
      (an online backup at one revision while writes go on; read back and
       checked before it takes FILE's name; progress on a terminal;
       --incremental-from: the segment files BASE holds go in without their
       bytes; restore with infdb-server --restore-from FILE --data-dir DIR
       [--restore-base FULL,INCREMENTAL,...])
  snapshot status FILE
      (a backup's revision, node, files, spaces with record counts, edges
       and branches, every checksum verified; no server needed)
  edge put --kind KIND --endpoint SPACE:1,2,3:ROLE[:tail|head] --endpoint ...
      [--directed] [--weight N] [--prop KEY=VALUE ...] [--payload TEXT]
      [--id ID] [--branch B] [--if-revision R]
      (a new edge unless --id names one; --directed: at least one :tail
       and one :head endpoint)
  edge get ID [--as-of R] [--branch B]
  edge del ID [--branch B] [--if-revision R]
  edge history ID [--as-of R] [--branch B]
  edge incident --node SPACE:1,2,3 [--direction any|out|in|neutral]
      [--kind K ...] [--role R ...] [--limit N] [--cursor HEX] [--as-of R]
      [--branch B]
  edge box --space SPACE --min 0,0,0 --max 9,9,9 [same filters as incident]
  edge kind KIND [--limit N] [--cursor HEX] [--as-of R] [--branch B]
  edge degree --node SPACE:1,2,3 [--direction D] [--kind K ...] [--role R ...]
      [--as-of R] [--branch B]
  edge traverse --start SPACE:1,2,3 [--start ...] [--depth N] [--max-nodes N]
      [--direction D] [--kind K ...] [--role R ...] [--b-connectivity]
      [--as-of R] [--branch B]
  edge path --from SPACE:1,2,3 --to SPACE:4,5,6 [--weighted] [--max-depth N]
      [--direction D] [--kind K ...] [--role R ...] [--as-of R] [--branch B]
      (NOT_FOUND, exit 1, when there is no path)
  edge cycle [--kind K ...] [--as-of R] [--branch B]
  edge dangling [--limit N] [--cursor HEX] [--as-of R] [--branch B]
      (the edges with an endpoint that has no live record)
  edge kinds
      (the server's declared kinds: kind, directed, roles)
  edge declare KIND [--directed] [--role R ...]
      (declares or redeclares a kind; no --role = any role. The server's
       --unknown-edge-labels says what happens to other kinds and roles)
  edge import FILE [--batch N] [--branch B]
      (JSON lines, one edge a line: {"kind":"k","endpoints":["s:1,2:a",
       "s:3,4:b"],"directed":false,"weight":5,"properties":{"k":"v"}};
       each batch of N lines (default 1000) is one atomic write; prints the
       refused batches with the line and error of the failing edge)
  user add NAME[:PASSWORD] [--password-file FILE | --no-password]
      (without a password: asked twice on a terminal, else the first line
       of standard input; --no-password: a certificate-only user)
  user passwd NAME[:PASSWORD] [--password-file FILE]
      (ends the tokens the user holds)
  user delete NAME | user list
  user grant-role USER ROLE | user revoke-role USER ROLE
  role add NAME | role delete NAME | role list
  role grant ROLE read|write|admin|replicate SPACE [--branch B]
  role revoke ROLE read|write|admin|replicate SPACE [--branch B]
      (SPACE: a name, a prefix ending in '*', or '*' for every space (quote
       it in a shell); --branch: a name or prefix, default every branch)
  auth enable | auth disable | auth status
      (enable: the user root must exist; disable: as root; status: whether
       auth is on and who the caller is)
)";

absl::Status Usage(const std::string& what) {
  return absl::InvalidArgumentError(what + " (infdb-cli --help for usage)");
}

namespace {

// The flags each command takes (besides --server, --timeout and --output);
// a trailing
// "..." marks a flag that may be given more than once.
const std::map<std::string, std::set<std::string>>& CommandFlags() {
  static const auto* flags = new std::map<std::string, std::set<std::string>>{
      {"space create", {"dims"}},
      {"branch create", {"from"}},
      {"branch list", {"changes"}},
      {"branch diff", {"space", "min", "max", "limit", "cursor"}},
      {"branch merge", {"into", "strategy", "dry-run", "conflict-limit"}},
      {"branch conflicts", {"into", "limit", "cursor"}},
      {"branch resolve",
       {"into", "all", "space", "point", "edge", "take", "value", "value-file",
        "edge-json"}},
      {"branch commit", {"into"}},
      {"branch abort", {"into"}},
      {"put", {"point", "value", "value-file", "branch", "if-revision"}},
      {"get", {"point", "as-of", "branch"}},
      {"del", {"point", "branch", "if-revision"}},
      {"history", {"point", "as-of", "branch"}},
      {"query", {"min", "max", "scope", "as-of", "branch", "limit", "cursor"}},
      {"count", {"min", "max", "scope", "as-of", "branch", "limit", "cursor"}},
      {"export", {"min", "max", "scope", "as-of", "branch"}},
      {"import", {"batch", "branch"}},
      {"watch", {"min", "max", "branch", "from-revision", "limit"}},
      {"snapshot save", {"incremental-from"}},
      {"compact", {"progress"}},
      {"snapshot status", {}},
      {"edge put",
       {"kind", "endpoint...", "directed", "weight", "prop...", "payload", "id",
        "branch", "if-revision"}},
      {"edge get", {"as-of", "branch"}},
      {"edge del", {"branch", "if-revision"}},
      {"edge history", {"as-of", "branch"}},
      {"edge incident",
       {"node", "direction", "kind...", "role...", "limit", "cursor", "as-of",
        "branch"}},
      {"edge box",
       {"space", "min", "max", "direction", "kind...", "role...", "limit",
        "cursor", "as-of", "branch"}},
      {"edge kind", {"limit", "cursor", "as-of", "branch"}},
      {"edge degree",
       {"node", "direction", "kind...", "role...", "as-of", "branch"}},
      {"edge traverse",
       {"start...", "depth", "max-nodes", "direction", "kind...", "role...",
        "b-connectivity", "as-of", "branch"}},
      {"edge path",
       {"from", "to", "weighted", "max-depth", "direction", "kind...",
        "role...", "as-of", "branch"}},
      {"edge cycle", {"kind...", "as-of", "branch"}},
      {"edge import", {"batch", "branch"}},
      {"edge dangling", {"limit", "cursor", "as-of", "branch"}},
      {"edge kinds", {}},
      {"edge declare", {"directed", "role..."}},
      {"user add", {"password-file", "no-password"}},
      {"user passwd", {"password-file"}},
      {"user delete", {}},
      {"user list", {}},
      {"user grant-role", {}},
      {"user revoke-role", {}},
      {"role add", {}},
      {"role delete", {}},
      {"role list", {}},
      {"role grant", {"branch"}},
      {"role revoke", {"branch"}},
      {"auth enable", {}},
      {"auth disable", {}},
      {"auth status", {}},
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
                                        {"branch drop", 3},
                                        {"branch status", 3},
                                        {"branch diff", 4},
                                        {"branch merge", 3},
                                        {"branch conflicts", 2},
                                        {"branch resolve", 3},
                                        {"branch commit", 2},
                                        {"branch abort", 2},
                                        {"put", 2},
                                        {"get", 2},
                                        {"del", 2},
                                        {"history", 2},
                                        {"query", 2},
                                        {"count", 2},
                                        {"export", 2},
                                        {"import", 3},
                                        {"watch", 2},
                                        {"snapshot save", 3},
                                        {"snapshot status", 3},
                                        {"replication status", 2},
                                        {"replication forget", 3},
                                        {"status", 1},
                                        {"health", 1},
                                        {"stats", 1},
                                        {"flush", 1},
                                        {"compact", 2},
                                        {"edge put", 2},
                                        {"edge get", 3},
                                        {"edge del", 3},
                                        {"edge history", 3},
                                        {"edge incident", 2},
                                        {"edge box", 2},
                                        {"edge kind", 3},
                                        {"edge degree", 2},
                                        {"edge traverse", 2},
                                        {"edge path", 2},
                                        {"edge cycle", 2},
                                        {"edge import", 3},
                                        {"edge dangling", 2},
                                        {"edge kinds", 2},
                                        {"edge declare", 3},
                                        {"user add", 3},
                                        {"user delete", 3},
                                        {"user list", 2},
                                        {"user passwd", 3},
                                        {"user grant-role", 4},
                                        {"user revoke-role", 4},
                                        {"role add", 3},
                                        {"role delete", 3},
                                        {"role list", 2},
                                        {"role grant", 5},
                                        {"role revoke", 5},
                                        {"auth enable", 2},
                                        {"auth disable", 2},
                                        {"auth status", 2}};
  auto it = words->find(command);
  return it == words->end() ? SIZE_MAX : it->second;
}

}  // namespace

bool IsSwitch(const std::string& name) {
  return name == "directed" || name == "weighted" || name == "b-connectivity" ||
         name == "dry-run" || name == "all" || name == "changes" ||
         name == "progress" || name == "no-password";
}

// A usage error naming the first flag the command does not take, or a word
// too many (a mistyped --brnach, or -branch, must not silently write to
// main).
absl::Status CheckCommandLine(const Args& args) {
  std::string command = args.words[0];
  if ((command == "space" || command == "branch" || command == "replication" ||
       command == "edge" || command == "snapshot" || command == "user" ||
       command == "role" || command == "auth") &&
      args.words.size() > 1) {
    command += " " + args.words[1];
  }
  if (args.words.size() > MaxWords(command)) {
    return Usage(absl::StrFormat("'%s' takes no operand '%s'", command,
                                 args.words[MaxWords(command)]));
  }
  auto known = CommandFlags().find(command);
  for (const auto& [name, values] : args.flags) {
    const bool takes =
        known != CommandFlags().end() &&
        (known->second.contains(name) || known->second.contains(name + "..."));
    if (!takes) {
      return Usage(
          absl::StrFormat("--%s: '%s' takes no such flag", name, command));
    }
    if (values.size() > 1 && !known->second.contains(name + "...")) {
      return Usage(absl::StrFormat("--%s: given %d times; '%s' takes one", name,
                                   values.size(), command));
    }
  }
  return absl::OkStatus();
}

std::string HelpFor(const std::vector<std::string>& topic) {
  if (topic.empty()) return kUsage;
  // The usage lines of the command (with their continuation lines); of the
  // command and its verb ("edge put") when the usage has lines for them.
  std::string help;
  bool in_command = false;
  absl::string_view usage(kUsage);
  size_t commands = usage.find("commands:\n");
  if (commands == absl::string_view::npos) return "";
  std::string wanted = topic[0];
  if (topic.size() > 1) {
    // "edge put ..." has operands or flags; "edge kinds" has neither.
    const std::string both = "\n  " + topic[0] + " " + topic[1];
    if (absl::StrContains(usage, both + " ") ||
        absl::StrContains(usage, both + "\n")) {
      wanted = topic[0] + " " + topic[1];
    }
  }
  for (absl::string_view line :
       absl::StrSplit(usage.substr(commands), '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "  ")) continue;
    if (!absl::StartsWith(line, "   ")) {
      absl::string_view body = line.substr(2);
      in_command = false;
      for (absl::string_view alternative : absl::StrSplit(body, " | ")) {
        if (alternative == wanted ||
            absl::StartsWith(alternative, wanted + " ")) {
          in_command = true;
        }
      }
    }
    if (in_command) help.append(line.data(), line.size()).append("\n");
  }
  if (help.empty()) return "";
  return "usage: infdb-cli [--server HOST:PORT] [--output FORMAT] ...\n" + help;
}

}  // namespace infinitedb::cli
