#include "client/cli_auth_commands.h"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli_flags.h"
#include "client/cli_output.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {
namespace {

// The password of a `NAME[:PASSWORD]` operand, else of --password-file
// (its first line), else asked for (confirmed when `confirm`).
absl::StatusOr<std::string> PasswordFor(const Args& args,
                                        const std::string& operand,
                                        bool confirm) {
  const size_t colon = operand.find(':');
  std::optional<std::string> file = args.Flag("password-file");
  if (colon != std::string::npos) {
    if (file.has_value()) {
      return Usage("--password-file: the password is already in the operand");
    }
    return operand.substr(colon + 1);
  }
  if (file.has_value()) {
    std::ifstream in(*file);
    std::string line;
    if (!in || !std::getline(in, line)) {
      return Usage(absl::StrFormat("--password-file: cannot read '%s'", *file));
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  return AskPassword("password of " + operand.substr(0, colon) + ": ", confirm,
                     "password");
}

// A user's or role's name: the operand up to a ':' (NAME[:PASSWORD]).
std::string NameOf(const std::string& operand) {
  return operand.substr(0, operand.find(':'));
}

absl::Status UserAdd(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> operand = Operand(args, 2, "NAME[:PASSWORD]");
  if (!operand.ok()) return operand.status();
  absl::StatusOr<bool> no_password = Switch(args, "no-password");
  if (!no_password.ok()) return no_password.status();
  std::string password;
  if (*no_password) {
    if (operand->find(':') != std::string::npos ||
        args.Flag("password-file").has_value()) {
      return Usage("--no-password: a password is given too");
    }
  } else {
    absl::StatusOr<std::string> given = PasswordFor(args, *operand, true);
    if (!given.ok()) return given.status();
    if (given->empty()) {
      return Usage(
          "user add: the password is empty (--no-password makes a "
          "user that authenticates only with a certificate)");
    }
    password = *given;
  }
  const std::string name = NameOf(*operand);
  if (absl::Status s = client.AddUser(name, password); !s.ok()) return s;
  PrintDone(args.output, "user add", {{"user", TextCell(name)}});
  return absl::OkStatus();
}

absl::Status UserPasswd(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> operand = Operand(args, 2, "NAME[:PASSWORD]");
  if (!operand.ok()) return operand.status();
  absl::StatusOr<std::string> password = PasswordFor(args, *operand, true);
  if (!password.ok()) return password.status();
  const std::string name = NameOf(*operand);
  if (absl::Status s = client.ChangePassword(name, *password); !s.ok()) {
    return s;
  }
  PrintDone(args.output, "user passwd", {{"user", TextCell(name)}});
  return absl::OkStatus();
}

absl::Status UserList(client::Client& client, const Args& args) {
  absl::StatusOr<std::vector<v1::User>> users = client.ListUsers();
  if (!users.ok()) return users.status();
  Table table{{"name", "roles", "has_password"}, {}};
  for (const v1::User& user : *users) {
    table.rows.push_back({TextCell(user.name()),
                          ListCell({user.roles().begin(), user.roles().end()}),
                          BoolCell(user.has_password())});
  }
  PrintTable(table, args.output);
  return absl::OkStatus();
}

// `user grant-role USER ROLE` and `user revoke-role USER ROLE`.
absl::Status UserRole(client::Client& client, const Args& args, bool grant) {
  absl::StatusOr<std::string> user = Operand(args, 2, "USER");
  if (!user.ok()) return user.status();
  absl::StatusOr<std::string> role = Operand(args, 3, "ROLE");
  if (!role.ok()) return role.status();
  absl::Status s =
      grant ? client.GrantRole(*user, *role) : client.RevokeRole(*user, *role);
  if (!s.ok()) return s;
  PrintDone(args.output, grant ? "user grant-role" : "user revoke-role",
            {{"user", TextCell(*user)}, {"role", TextCell(*role)}});
  return absl::OkStatus();
}

const char* PermissionName(v1::Permission permission) {
  switch (permission) {
    case v1::READ:
      return "read";
    case v1::WRITE:
      return "write";
    case v1::ADMIN:
      return "admin";
    case v1::REPLICATE:
      return "replicate";
    default:
      return "unspecified";
  }
}

// `role grant|revoke ROLE PERMISSION SPACE [--branch B]` as its grant.
absl::StatusOr<v1::Grant> GrantOperands(const Args& args) {
  absl::StatusOr<std::string> permission = Operand(args, 3, "PERMISSION");
  if (!permission.ok()) return permission.status();
  absl::StatusOr<std::string> space = Operand(args, 4, "SPACE");
  if (!space.ok()) return space.status();
  v1::Grant grant;
  const std::string wanted = absl::AsciiStrToLower(*permission);
  for (v1::Permission p : {v1::READ, v1::WRITE, v1::ADMIN, v1::REPLICATE}) {
    if (wanted == PermissionName(p)) grant.set_permission(p);
  }
  if (grant.permission() == v1::PERMISSION_UNSPECIFIED) {
    return Usage(absl::StrFormat(
        "PERMISSION: '%s' is not read, write, admin or replicate",
        *permission));
  }
  grant.set_space(*space);
  grant.set_branch(args.Flag("branch").value_or(""));
  return grant;
}

absl::Status RoleGrant(client::Client& client, const Args& args, bool grant) {
  absl::StatusOr<std::string> role = Operand(args, 2, "ROLE");
  if (!role.ok()) return role.status();
  absl::StatusOr<v1::Grant> permission = GrantOperands(args);
  if (!permission.ok()) return permission.status();
  absl::Status s = grant ? client.GrantPermission(*role, *permission)
                         : client.RevokePermission(*role, *permission);
  if (!s.ok()) return s;
  PrintDone(args.output, grant ? "role grant" : "role revoke",
            {{"role", TextCell(*role)},
             {"permission", TextCell(PermissionName(permission->permission()))},
             {"space", TextCell(permission->space())},
             {"branch", TextCell(permission->branch())}});
  return absl::OkStatus();
}

// A role's grants: "read a, write site-* at main" in a table; in JSON an
// array of {"permission","space","branch"}.
Cell GrantsCell(const v1::Role& role) {
  std::vector<std::string> texts, objects;
  for (const v1::Grant& grant : role.grants()) {
    std::string text = absl::StrFormat(
        "%s %s", PermissionName(grant.permission()), grant.space());
    if (!grant.branch().empty()) text += " at " + grant.branch();
    texts.push_back(text);
    objects.push_back(absl::StrFormat(
        R"({"permission":%s,"space":%s,"branch":%s})",
        TextCell(PermissionName(grant.permission())).json,
        TextCell(grant.space()).json, TextCell(grant.branch()).json));
  }
  return JsonCell(absl::StrJoin(texts, ", "),
                  "[" + absl::StrJoin(objects, ",") + "]");
}

absl::Status RoleList(client::Client& client, const Args& args) {
  absl::StatusOr<std::vector<v1::Role>> roles = client.ListRoles();
  if (!roles.ok()) return roles.status();
  Table table{{"name", "grants"}, {}};
  for (const v1::Role& role : *roles) {
    table.rows.push_back({TextCell(role.name()), GrantsCell(role)});
  }
  PrintTable(table, args.output);
  return absl::OkStatus();
}

// `role add NAME` and `role delete NAME`.
absl::Status RoleAddOrDelete(client::Client& client, const Args& args,
                             bool add) {
  absl::StatusOr<std::string> name = Operand(args, 2, "NAME");
  if (!name.ok()) return name.status();
  absl::Status s = add ? client.AddRole(*name) : client.DeleteRole(*name);
  if (!s.ok()) return s;
  PrintDone(args.output, add ? "role add" : "role delete",
            {{"role", TextCell(*name)}});
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> AskPassword(const std::string& prompt, bool confirm,
                                        const std::string& what) {
  if (isatty(STDIN_FILENO) == 0) {
    std::string line;
    if (!std::getline(std::cin, line)) {
      return Usage(what + ": none given, and standard input is empty");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  const char* typed = getpass(prompt.c_str());
  if (typed == nullptr) {
    return Usage(what + ": none could be read from the terminal");
  }
  std::string first = typed;
  if (!confirm) return first;
  typed = getpass("again: ");
  if (typed == nullptr || first != typed) {
    return Usage(what + ": the two entries differ");
  }
  return first;
}

absl::Status UserCommand(client::Client& client, const Args& args) {
  const std::string verb = args.words.size() > 1 ? args.words[1] : "";
  if (verb == "add") return UserAdd(client, args);
  if (verb == "passwd") return UserPasswd(client, args);
  if (verb == "list") return UserList(client, args);
  if (verb == "grant-role") return UserRole(client, args, true);
  if (verb == "revoke-role") return UserRole(client, args, false);
  if (verb == "delete") {
    absl::StatusOr<std::string> name = Operand(args, 2, "NAME");
    if (!name.ok()) return name.status();
    if (absl::Status s = client.DeleteUser(*name); !s.ok()) return s;
    PrintDone(args.output, "user delete", {{"user", TextCell(*name)}});
    return absl::OkStatus();
  }
  return Usage(
      "user: expected add, delete, list, passwd, grant-role or "
      "revoke-role");
}

absl::Status RoleCommand(client::Client& client, const Args& args) {
  const std::string verb = args.words.size() > 1 ? args.words[1] : "";
  if (verb == "add") return RoleAddOrDelete(client, args, true);
  if (verb == "delete") return RoleAddOrDelete(client, args, false);
  if (verb == "list") return RoleList(client, args);
  if (verb == "grant") return RoleGrant(client, args, true);
  if (verb == "revoke") return RoleGrant(client, args, false);
  return Usage("role: expected add, delete, list, grant or revoke");
}

absl::Status AuthCommand(client::Client& client, const Args& args) {
  const std::string verb = args.words.size() > 1 ? args.words[1] : "";
  if (verb == "enable" || verb == "disable") {
    absl::Status s =
        verb == "enable" ? client.EnableAuth() : client.DisableAuth();
    if (!s.ok()) return s;
    PrintDone(args.output, "auth " + verb);
    return absl::OkStatus();
  }
  if (verb != "status") {
    return Usage("auth: expected enable, disable or status");
  }
  absl::StatusOr<v1::AuthStatusResponse> status = client.AuthStatus();
  if (!status.ok()) return status.status();
  Table table{{"enabled", "user", "method"}, {}};
  table.rows.push_back(
      {BoolCell(status->enabled()),
       status->user().empty() ? NullCell() : TextCell(status->user()),
       status->method().empty() ? NullCell() : TextCell(status->method())});
  PrintTable(table, args.output);
  return absl::OkStatus();
}

}  // namespace infinitedb::cli
