// Users, roles and the auth switch, kept in the engine's access-control
// records (Engine::PutAuthRecord: durable, replicated, in backups) under
// the keys "user/NAME", "role/NAME" and "settings", whose payloads are the
// Stored* messages of proto/infinitedb/v1/auth_records.proto.
//
// Calls read an immutable AuthView (one shared pointer, taken per call);
// every change writes its records, then builds a new view from the
// engine's records, as does Reload when records arrive from a peer.
// Thread-safe: changes are made one at a time.
#ifndef INFINITEDB_SERVER_AUTH_STORE_H_
#define INFINITEDB_SERVER_AUTH_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "engine/public/engine.h"
#include "server/auth_grants.h"

namespace infinitedb::server {

// The user that may do everything; it must exist before auth is enabled.
inline constexpr char kRootUser[] = "root";

struct AuthUser {
  std::string name;
  std::string password_hash;  // empty: certificate only
  std::vector<std::string> roles;
  uint64_t token_generation = 0;
  std::vector<GrantRule> grants;  // of its roles, for checks

  bool root() const { return name == kRootUser; }
};

struct AuthView {
  bool enabled = false;
  std::map<std::string, AuthUser, std::less<>> users;
  std::map<std::string, std::vector<GrantRule>, std::less<>> roles;

  const AuthUser* FindUser(std::string_view name) const;
};

class AuthStore {
 public:
  explicit AuthStore(Engine* engine) : engine_(engine) {}

  // Builds the view from the engine's records (at start, and when records
  // arrive from a peer).
  absl::Status Reload();
  std::shared_ptr<const AuthView> view() const;

  // Each checks its input (InvalidArgument naming the field; NotFound,
  // AlreadyExists, FailedPrecondition as the Auth service documents),
  // writes, and reloads.
  absl::Status AddUser(std::string_view name, std::string password_hash);
  absl::Status DeleteUser(std::string_view name);
  absl::Status SetPassword(std::string_view name, std::string password_hash);
  absl::Status GrantRole(std::string_view user, std::string_view role);
  absl::Status RevokeRole(std::string_view user, std::string_view role);
  absl::Status AddRole(std::string_view name);
  absl::Status DeleteRole(std::string_view name);
  absl::Status GrantPermission(std::string_view role, const GrantRule& grant);
  absl::Status RevokePermission(std::string_view role, const GrantRule& grant);
  absl::Status SetEnabled(bool enabled);

  // InvalidArgument naming `field` unless `name` is 1 to 128 characters of
  // A-Z a-z 0-9 _ - . @
  static absl::Status CheckName(std::string_view name, std::string_view field);

 private:
  // The user (role) as the view holds it: NotFound naming it when absent.
  absl::StatusOr<AuthUser> FindUser(std::string_view name) const;
  absl::StatusOr<std::vector<GrantRule>> FindRole(std::string_view name) const;
  absl::Status WriteUser(const AuthUser& user);
  absl::Status WriteRole(std::string_view name,
                         const std::vector<GrantRule>& grants);
  absl::Status ReloadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  Engine* const engine_;
  absl::Mutex write_mu_;  // one change at a time
  mutable absl::Mutex view_mu_;
  std::shared_ptr<const AuthView> view_ ABSL_GUARDED_BY(view_mu_) =
      std::make_shared<AuthView>();
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_AUTH_STORE_H_
