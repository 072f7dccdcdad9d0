// The `infdb-cli` access-control commands: `user add|delete|list|passwd|
// grant-role|revoke-role`, `role add|delete|list|grant|revoke` and `auth
// enable|disable|status` (etcdctl's), over the Auth service; and reading a
// password from an operand, a file, or the terminal.
#ifndef INFINITEDB_CLIENT_CLI_AUTH_COMMANDS_H_
#define INFINITEDB_CLIENT_CLI_AUTH_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/cli_args.h"
#include "client/infdb_client.h"

namespace infinitedb::cli {

// `user VERB ...`, `role VERB ...`, `auth VERB`; usage errors are
// InvalidArgument.
absl::Status UserCommand(client::Client& client, const Args& args);
absl::Status RoleCommand(client::Client& client, const Args& args);
absl::Status AuthCommand(client::Client& client, const Args& args);

// A password typed on the terminal after `prompt` (twice, and compared,
// when `confirm`), or the first line of standard input when it is not a
// terminal. `what` names the password in errors.
absl::StatusOr<std::string> AskPassword(const std::string& prompt, bool confirm,
                                        const std::string& what);

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_AUTH_COMMANDS_H_
