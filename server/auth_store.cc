#include "server/auth_store.h"

#include <openssl/rand.h>

#include <algorithm>

#include "absl/strings/str_format.h"
#include "infinitedb/v1/auth_records.pb.h"

namespace infinitedb::server {
namespace {

constexpr char kUserPrefix[] = "user/";
constexpr char kRolePrefix[] = "role/";
constexpr char kSettingsKey[] = "settings";

uint64_t NewGeneration() {
  uint64_t generation = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&generation), sizeof generation);
  return generation | 1;  // never 0
}

absl::Status Corrupt(std::string_view key) {
  return absl::DataLossError(
      absl::StrFormat("access-control record '%s' cannot be parsed", key));
}

// Adds the grants of each of `user`'s roles that exists.
void CollectGrants(const AuthView& view, AuthUser* user) {
  for (const std::string& role : user->roles) {
    auto it = view.roles.find(role);
    if (it == view.roles.end()) continue;
    user->grants.insert(user->grants.end(), it->second.begin(),
                        it->second.end());
  }
}

absl::Status ParseRecord(const std::string& key, const std::string& payload,
                         AuthView* view) {
  if (key == kSettingsKey) {
    v1::StoredAuthSettings settings;
    if (!settings.ParseFromString(payload)) return Corrupt(key);
    view->enabled = settings.enabled();
  } else if (key.starts_with(kUserPrefix)) {
    v1::StoredUser stored;
    if (!stored.ParseFromString(payload)) return Corrupt(key);
    AuthUser& user = view->users[stored.name()];
    user.name = stored.name();
    user.password_hash = stored.password_hash();
    user.roles.assign(stored.roles().begin(), stored.roles().end());
    user.token_generation = stored.token_generation();
  } else if (key.starts_with(kRolePrefix)) {
    v1::StoredRole stored;
    if (!stored.ParseFromString(payload)) return Corrupt(key);
    std::vector<GrantRule>& grants = view->roles[stored.name()];
    for (const v1::Grant& grant : stored.grants()) {
      absl::StatusOr<GrantRule> rule = GrantFromProto(grant, key);
      if (!rule.ok()) return Corrupt(key);
      grants.push_back(*rule);
    }
  }
  return absl::OkStatus();  // keys of a later version are left alone
}

}  // namespace

const AuthUser* AuthView::FindUser(std::string_view name) const {
  auto it = users.find(name);
  return it == users.end() ? nullptr : &it->second;
}

absl::Status AuthStore::CheckName(std::string_view name,
                                  std::string_view field) {
  if (name.empty() || name.size() > 128) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: %d characters; a name has 1 to 128", field, name.size()));
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                    c == '.' || c == '@';
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: '%c' is not allowed (A-Z a-z 0-9 _ - . @)", field, c));
    }
  }
  return absl::OkStatus();
}

absl::Status AuthStore::Reload() {
  absl::MutexLock lock(&write_mu_);
  return ReloadLocked();
}

absl::Status AuthStore::ReloadLocked() {
  absl::StatusOr<std::map<std::string, std::string>> records =
      engine_->AuthRecords();
  if (!records.ok()) return records.status();
  auto view = std::make_shared<AuthView>();
  for (const auto& [key, payload] : *records) {
    if (absl::Status s = ParseRecord(key, payload, view.get()); !s.ok()) {
      return s;
    }
  }
  for (auto& [name, user] : view->users) CollectGrants(*view, &user);
  absl::MutexLock lock(&view_mu_);
  view_ = std::move(view);
  return absl::OkStatus();
}

std::shared_ptr<const AuthView> AuthStore::view() const {
  absl::MutexLock lock(&view_mu_);
  return view_;
}

absl::StatusOr<AuthUser> AuthStore::FindUser(std::string_view name) const {
  const std::shared_ptr<const AuthView> current = view();
  const AuthUser* user = current->FindUser(name);
  if (user == nullptr) {
    return absl::NotFoundError(absl::StrFormat("user: no user '%s'", name));
  }
  return *user;
}

absl::StatusOr<std::vector<GrantRule>> AuthStore::FindRole(
    std::string_view name) const {
  const std::shared_ptr<const AuthView> current = view();
  auto it = current->roles.find(name);
  if (it == current->roles.end()) {
    return absl::NotFoundError(absl::StrFormat("role: no role '%s'", name));
  }
  return it->second;
}

absl::Status AuthStore::WriteUser(const AuthUser& user) {
  v1::StoredUser stored;
  stored.set_name(user.name);
  stored.set_password_hash(user.password_hash);
  for (const std::string& role : user.roles) stored.add_roles(role);
  stored.set_token_generation(user.token_generation);
  absl::Status status =
      engine_
          ->PutAuthRecord(kUserPrefix + user.name, stored.SerializeAsString())
          .status();
  if (!status.ok()) return status;
  return ReloadLocked();
}

absl::Status AuthStore::WriteRole(std::string_view name,
                                  const std::vector<GrantRule>& grants) {
  v1::StoredRole stored;
  stored.set_name(std::string(name));
  for (const GrantRule& grant : grants)
    GrantToProto(grant, stored.add_grants());
  absl::Status status =
      engine_
          ->PutAuthRecord(std::string(kRolePrefix) + std::string(name),
                          stored.SerializeAsString())
          .status();
  if (!status.ok()) return status;
  return ReloadLocked();
}

absl::Status AuthStore::AddUser(std::string_view name,
                                std::string password_hash) {
  if (absl::Status s = CheckName(name, "name"); !s.ok()) return s;
  absl::MutexLock lock(&write_mu_);
  if (view()->FindUser(name) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrFormat("name: user '%s' exists", name));
  }
  return WriteUser(
      {std::string(name), std::move(password_hash), {}, NewGeneration(), {}});
}

absl::Status AuthStore::DeleteUser(std::string_view name) {
  absl::MutexLock lock(&write_mu_);
  absl::StatusOr<AuthUser> user = FindUser(name);
  if (!user.ok()) return user.status();
  if (user->root() && view()->enabled) {
    return absl::FailedPreconditionError(
        "name: root cannot be deleted while auth is enabled");
  }
  absl::Status status =
      engine_->DeleteAuthRecord(std::string(kUserPrefix) + std::string(name))
          .status();
  if (!status.ok()) return status;
  return ReloadLocked();
}

absl::Status AuthStore::SetPassword(std::string_view name,
                                    std::string password_hash) {
  absl::MutexLock lock(&write_mu_);
  absl::StatusOr<AuthUser> user = FindUser(name);
  if (!user.ok()) return user.status();
  user->password_hash = std::move(password_hash);
  user->token_generation = NewGeneration();
  return WriteUser(*user);
}

absl::Status AuthStore::GrantRole(std::string_view user_name,
                                  std::string_view role) {
  absl::MutexLock lock(&write_mu_);
  absl::StatusOr<AuthUser> user = FindUser(user_name);
  if (!user.ok()) return user.status();
  if (!view()->roles.contains(role)) {
    return absl::NotFoundError(absl::StrFormat("role: no role '%s'", role));
  }
  if (std::find(user->roles.begin(), user->roles.end(), role) !=
      user->roles.end()) {
    return absl::OkStatus();
  }
  user->roles.emplace_back(role);
  std::sort(user->roles.begin(), user->roles.end());
  return WriteUser(*user);
}

absl::Status AuthStore::RevokeRole(std::string_view user_name,
                                   std::string_view role) {
  absl::MutexLock lock(&write_mu_);
  absl::StatusOr<AuthUser> user = FindUser(user_name);
  if (!user.ok()) return user.status();
  auto it = std::find(user->roles.begin(), user->roles.end(), role);
  if (it == user->roles.end()) {
    return absl::NotFoundError(absl::StrFormat(
        "role: user '%s' does not have role '%s'", user_name, role));
  }
  user->roles.erase(it);
  return WriteUser(*user);
}

absl::Status AuthStore::AddRole(std::string_view name) {
  if (absl::Status s = CheckName(name, "name"); !s.ok()) return s;
  absl::MutexLock lock(&write_mu_);
  if (view()->roles.contains(name)) {
    return absl::AlreadyExistsError(
        absl::StrFormat("name: role '%s' exists", name));
  }
  return WriteRole(name, {});
}

absl::Status AuthStore::DeleteRole(std::string_view name) {
  absl::MutexLock lock(&write_mu_);
  const std::shared_ptr<const AuthView> current = view();
  if (!current->roles.contains(name)) {
    return absl::NotFoundError(absl::StrFormat("name: no role '%s'", name));
  }
  // Revoked from its users first: a role made later under the same name
  // must not reach them.
  for (const auto& [user_name, user] : current->users) {
    auto it = std::find(user.roles.begin(), user.roles.end(), name);
    if (it == user.roles.end()) continue;
    AuthUser changed = user;
    changed.roles.erase(changed.roles.begin() + (it - user.roles.begin()));
    if (absl::Status s = WriteUser(changed); !s.ok()) return s;
  }
  absl::Status status =
      engine_->DeleteAuthRecord(std::string(kRolePrefix) + std::string(name))
          .status();
  if (!status.ok()) return status;
  return ReloadLocked();
}

absl::Status AuthStore::GrantPermission(std::string_view role,
                                        const GrantRule& grant) {
  absl::MutexLock lock(&write_mu_);
  absl::StatusOr<std::vector<GrantRule>> found = FindRole(role);
  if (!found.ok()) return found.status();
  std::vector<GrantRule> grants = std::move(*found);
  if (std::find(grants.begin(), grants.end(), grant) != grants.end()) {
    return absl::OkStatus();
  }
  grants.push_back(grant);
  return WriteRole(role, grants);
}

absl::Status AuthStore::RevokePermission(std::string_view role,
                                         const GrantRule& grant) {
  absl::MutexLock lock(&write_mu_);
  absl::StatusOr<std::vector<GrantRule>> found = FindRole(role);
  if (!found.ok()) return found.status();
  std::vector<GrantRule> grants = std::move(*found);
  auto held = std::find(grants.begin(), grants.end(), grant);
  if (held == grants.end()) {
    return absl::NotFoundError(absl::StrFormat(
        "grant: role '%s' has no grant of %s", role, DescribeGrant(grant)));
  }
  grants.erase(held);
  return WriteRole(role, grants);
}

absl::Status AuthStore::SetEnabled(bool enabled) {
  absl::MutexLock lock(&write_mu_);
  if (enabled && view()->FindUser(kRootUser) == nullptr) {
    return absl::FailedPreconditionError(
        "auth cannot be enabled before the user root exists (infdb-cli user "
        "add root)");
  }
  v1::StoredAuthSettings settings;
  settings.set_enabled(enabled);
  absl::Status status =
      engine_->PutAuthRecord(kSettingsKey, settings.SerializeAsString())
          .status();
  if (!status.ok()) return status;
  return ReloadLocked();
}

}  // namespace infinitedb::server
