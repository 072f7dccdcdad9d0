// `infdb-cli edge kinds` and `edge declare KIND [--directed] [--role R ...]`:
// the server's kind catalogue, listed and written.
#include "absl/strings/str_join.h"
#include "client/cli_edge_commands.h"
#include "client/cli_edge_format.h"
#include "client/cli_flags.h"
#include "client/cli_output.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {
namespace {

// A declaration's roles: a JSON array; for people the roles
// space-separated, or "(any)" when the kind does not restrict them.
Cell RolesCell(const std::vector<std::string>& roles) {
  Cell cell = ListCell(roles);
  if (roles.empty()) cell.text = "(any)";
  return cell;
}

absl::Status KindsCommand(client::Client& client, const Args& args) {
  absl::StatusOr<std::vector<v1::KindDeclaration>> kinds = client.ListKinds();
  if (!kinds.ok()) return kinds.status();
  Table table{{"kind", "directed", "roles"}, {}};
  for (const v1::KindDeclaration& kind : *kinds) {
    table.rows.push_back(
        {TextCell(kind.kind()), BoolCell(kind.directed()),
         RolesCell({kind.roles().begin(), kind.roles().end()})});
  }
  PrintTable(table, args.output);
  return absl::OkStatus();
}

absl::Status DeclareCommand(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> kind = Operand(args, 2, "KIND");
  if (!kind.ok()) return kind.status();
  absl::StatusOr<bool> directed = Switch(args, "directed");
  if (!directed.ok()) return directed.status();
  v1::DeclareKindRequest request;
  request.set_kind(*kind);
  request.set_directed(*directed);
  const std::vector<std::string> roles = args.FlagValues("role");
  request.mutable_roles()->Assign(roles.begin(), roles.end());
  absl::StatusOr<v1::DeclareKindResponse> declared =
      client.DeclareKind(request);
  if (!declared.ok()) return declared.status();
  PrintTable({{"kind", "directed", "roles", "revision"},
              {{TextCell(*kind), BoolCell(*directed), RolesCell(roles),
                U64Cell(declared->header().revision())}}},
             args.output);
  return absl::OkStatus();
}

}  // namespace

absl::Status EdgeKindsCommand(client::Client& client, const Args& args) {
  if (args.words[1] == "kinds") return KindsCommand(client, args);
  return DeclareCommand(client, args);
}

}  // namespace infinitedb::cli
