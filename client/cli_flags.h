// Reading the operands and flag values of an infdb-cli command: points
// ("1,2,3"), numbers with a range, switches, the read options (--branch,
// --as-of), preconditions and cursors. Bad values are usage errors naming
// the flag.
#ifndef INFINITEDB_CLIENT_CLI_FLAGS_H_
#define INFINITEDB_CLIENT_CLI_FLAGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli_args.h"
#include "infinitedb/v1/common.pb.h"

namespace infinitedb::cli {

// "1,2,3" as coordinates; `flag` names the flag in errors.
absl::StatusOr<std::vector<uint32_t>> ParseCoordinates(const std::string& text,
                                                       const std::string& flag);
// The coordinates of a required flag.
absl::StatusOr<std::vector<uint32_t>> RequiredPoint(const Args& args,
                                                    const std::string& flag);
// The flag's value as a number from 0 to `max` (0 when the flag is absent).
absl::StatusOr<uint64_t> Number(const Args& args, const std::string& flag,
                                uint64_t max = UINT64_MAX);
// A switch (--directed): false when absent; --name=true|false.
absl::StatusOr<bool> Switch(const Args& args, const std::string& flag);
// --if-revision R, when given.
absl::StatusOr<std::optional<uint64_t>> IfRevision(const Args& args);
// The operand at `index` of args.words; `name` names it in errors.
absl::StatusOr<std::string> Operand(const Args& args, size_t index,
                                    const std::string& name);
// --min and --max (both required) as `box`'s corners.
absl::Status BoxFlags(const Args& args, v1::Box* box);
// --branch and --as-of.
absl::StatusOr<v1::ReadOptions> ReadFlags(const Args& args);
// --cursor HEX as bytes (empty when absent).
absl::StatusOr<std::string> CursorFlag(const Args& args);
// --limit N and --cursor HEX into a paged request (one with set_limit and
// set_cursor).
template <typename PagedRequest>
absl::Status PageFlags(const Args& args, PagedRequest& request) {
  absl::StatusOr<uint64_t> limit = Number(args, "limit");
  if (!limit.ok()) return limit.status();
  request.set_limit(*limit);
  absl::StatusOr<std::string> cursor = CursorFlag(args);
  if (!cursor.ok()) return cursor.status();
  request.set_cursor(*cursor);
  return absl::OkStatus();
}

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_FLAGS_H_
