#include "server/auth_grants.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace infinitedb::server {
namespace {

bool Satisfies(Permission held, Permission needed) {
  if (needed == Permission::kReplicate) {
    return held == Permission::kReplicate || held == Permission::kAdmin;
  }
  if (held == Permission::kReplicate) return false;
  return static_cast<int>(held) >= static_cast<int>(needed);
}

// Names are 1 to 128 characters of A-Z a-z 0-9 _ - . (spaces, branches).
absl::Status CheckPattern(std::string_view pattern, std::string_view field,
                          bool may_be_empty) {
  if (pattern.empty()) {
    if (may_be_empty) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: required (a name, a prefix ending in '*', or '*')", field));
  }
  std::string_view stem = pattern;
  if (stem.ends_with('*')) stem.remove_suffix(1);
  if (stem.size() > 128) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: longer than 128 characters", field));
  }
  for (char c : stem) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: '%c' is not allowed (a name of A-Z a-z 0-9 _ - ., optionally "
          "ending in '*')",
          field, c));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kRead:
      return "read";
    case Permission::kWrite:
      return "write";
    case Permission::kAdmin:
      return "admin";
    case Permission::kReplicate:
      return "replicate";
  }
  return "unknown";
}

bool PatternMatches(std::string_view pattern, std::string_view name) {
  if (pattern.ends_with('*')) {
    return name.starts_with(pattern.substr(0, pattern.size() - 1));
  }
  return pattern == name;
}

bool Covers(const GrantRule& grant, const Need& need) {
  if (!Satisfies(grant.permission, need.permission)) return false;
  const bool space_ok = need.space == kEverySpace
                            ? grant.space == kEverySpace
                            : PatternMatches(grant.space, need.space);
  if (!space_ok) return false;
  if (grant.branch.empty()) return true;
  return !need.branch.empty() && PatternMatches(grant.branch, need.branch);
}

std::string DescribeNeed(const Need& need) {
  std::string out =
      need.space == kEverySpace
          ? absl::StrFormat("%s on every space",
                            PermissionName(need.permission))
          : absl::StrFormat("%s on space '%s'", PermissionName(need.permission),
                            need.space);
  if (!need.branch.empty()) {
    absl::StrAppendFormat(&out, " at branch '%s'", need.branch);
  }
  return out;
}

std::string DescribeGrant(const GrantRule& grant) {
  std::string out = absl::StrFormat(
      "%s on %s", PermissionName(grant.permission), grant.space);
  if (!grant.branch.empty()) absl::StrAppend(&out, " branch ", grant.branch);
  return out;
}

absl::StatusOr<GrantRule> GrantFromProto(const v1::Grant& grant,
                                         std::string_view field) {
  GrantRule rule;
  switch (grant.permission()) {
    case v1::READ:
      rule.permission = Permission::kRead;
      break;
    case v1::WRITE:
      rule.permission = Permission::kWrite;
      break;
    case v1::ADMIN:
      rule.permission = Permission::kAdmin;
      break;
    case v1::REPLICATE:
      rule.permission = Permission::kReplicate;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.permission: required (READ, WRITE, ADMIN or REPLICATE)", field));
  }
  if (absl::Status s =
          CheckPattern(grant.space(), std::string(field) + ".space", false);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckPattern(grant.branch(), std::string(field) + ".branch", true);
      !s.ok()) {
    return s;
  }
  rule.space = grant.space();
  rule.branch = grant.branch();
  return rule;
}

void GrantToProto(const GrantRule& grant, v1::Grant* out) {
  out->set_permission(static_cast<v1::Permission>(grant.permission));
  out->set_space(grant.space);
  out->set_branch(grant.branch);
}

}  // namespace infinitedb::server
