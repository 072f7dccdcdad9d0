// The permission model: a grant gives `read`, `write`, `admin` or
// `replicate` on a space pattern (a name, a prefix ending in '*', or '*'
// for every space), optionally limited to a branch pattern (empty: every
// branch). admin covers write, write covers read; admin also covers
// replicate. A call needs one permission on one space (or on every space,
// kEverySpace) at one branch (or none, for calls about no branch).
#ifndef INFINITEDB_SERVER_AUTH_GRANTS_H_
#define INFINITEDB_SERVER_AUTH_GRANTS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "infinitedb/v1/auth.pb.h"

namespace infinitedb::server {

enum class Permission : uint8_t {
  kRead = 1,
  kWrite = 2,
  kAdmin = 3,
  kReplicate = 4,
};

inline constexpr char kEverySpace[] = "*";

struct GrantRule {
  Permission permission = Permission::kRead;
  std::string space;   // name, prefix*, or *
  std::string branch;  // empty, name, or prefix*

  bool operator==(const GrantRule&) const = default;
};

// What one call needs. `branch` empty: the call is about no branch (only
// grants for every branch cover it).
struct Need {
  Permission permission = Permission::kRead;
  std::string_view space;
  std::string_view branch;
};

std::string_view PermissionName(Permission permission);
// Whether `pattern` (name, prefix*, or *) matches `name`.
bool PatternMatches(std::string_view pattern, std::string_view name);
bool Covers(const GrantRule& grant, const Need& need);
// "write on space 'site-a' at branch 'main'": for denials and audit lines.
std::string DescribeNeed(const Need& need);
std::string DescribeGrant(const GrantRule& grant);

// The grant of an rpc, checked: InvalidArgument naming `field`'s part.
absl::StatusOr<GrantRule> GrantFromProto(const v1::Grant& grant,
                                         std::string_view field);
void GrantToProto(const GrantRule& grant, v1::Grant* out);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_AUTH_GRANTS_H_
