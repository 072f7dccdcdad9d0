// The `infdb-cli branch` commands: create, list, drop, status and diff
// (cli_branch_commands.cc), and the merge workflow: merge, conflicts,
// resolve, commit and abort (cli_merge_commands.cc).
#ifndef INFINITEDB_CLIENT_CLI_BRANCH_COMMANDS_H_
#define INFINITEDB_CLIENT_CLI_BRANCH_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "client/cli_args.h"
#include "client/infdb_client.h"
#include "infinitedb/v1/branches.pb.h"

namespace infinitedb::cli {

// `branch VERB ...`: runs the verb; usage errors are InvalidArgument.
absl::Status BranchCommand(client::Client& client, const Args& args);

// `branch merge|conflicts|resolve|commit|abort`.
absl::Status MergeCommand(client::Client& client, const Args& args);

// "NAME" or "NAME@REVISION" (an operand; `name` names it in errors).
absl::StatusOr<v1::BranchAt> ParseBranchAt(const std::string& text,
                                           const std::string& name);
std::string BranchAtText(const v1::BranchAt& at);

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_BRANCH_COMMANDS_H_
