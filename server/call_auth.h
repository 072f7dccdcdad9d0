// Who is calling, and whether they may: every rpc handler asks this before
// it touches data. With auth disabled every caller may do everything (one
// atomic-free pointer read of the current view). With it enabled, a call
// authenticates with a token (metadata "authorization: Bearer TOKEN") or,
// with --client-cert-auth, a client certificate whose Common Name is the
// user; grants are read from the current view on every call, so a change
// to a role takes effect on the next call of every token.
//
// Authentication failures and permission denials are audit log lines
// (server_log.h AuditLog), as are the Auth service's changes.
#ifndef INFINITEDB_SERVER_CALL_AUTH_H_
#define INFINITEDB_SERVER_CALL_AUTH_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth_grants.h"
#include "server/auth_store.h"
#include "server/auth_tokens.h"

namespace infinitedb::server {

// The authenticated caller of one call.
struct Caller {
  std::shared_ptr<const AuthView> view;  // keeps `user` alive
  const AuthUser* user = nullptr;        // null when auth is disabled
  std::string method;                    // "token", "certificate" or ""

  // Root, or auth disabled.
  bool everything() const { return user == nullptr || user->root(); }
  bool Allowed(const Need& need) const;
  // Whether the caller may read `space` on at least one branch.
  bool MayRead(std::string_view space) const;
  std::string name() const { return user == nullptr ? "" : user->name; }
};

class CallAuth {
 public:
  struct Options {
    const TokenSigner* signer = nullptr;
    bool certificate_users = false;  // --client-cert-auth
    absl::Duration token_ttl = absl::Minutes(10);
  };
  CallAuth(AuthStore* store, Options options)
      : store_(store), options_(options) {}

  AuthStore* store() const { return store_; }

  // Unauthenticated (audited) when auth is enabled and the call carries no
  // valid credentials.
  absl::StatusOr<Caller> Identify(const grpc::ServerContext& context) const;
  // PermissionDenied naming the need (audited) unless the caller has it.
  absl::Status Require(const Caller& caller, const Need& need,
                       const grpc::ServerContext& context) const;
  // Identify, then Require.
  absl::StatusOr<Caller> Allow(const grpc::ServerContext& context,
                               const Need& need) const;

  struct Issued {
    std::string token;
    int64_t expires_unix = 0;
  };
  // A token for `user` with `password`: Unauthenticated for a wrong user
  // or password alike (same work for both); ResourceExhausted, naming when
  // to retry, after repeated failures for the user.
  absl::StatusOr<Issued> Authenticate(const std::string& user,
                                      const std::string& password,
                                      const std::string& peer) const;

 private:
  absl::StatusOr<Caller> FromToken(std::shared_ptr<const AuthView> view,
                                   std::string_view token) const;
  // The wait before `user` may try again, or zero.
  absl::Duration Backoff(const std::string& user, absl::Time now) const;
  void NoteAttempt(const std::string& user, bool ok, absl::Time now) const;

  AuthStore* const store_;
  const Options options_;

  struct Failures {
    int count = 0;
    absl::Time last;
  };
  mutable absl::Mutex failures_mu_;
  mutable std::map<std::string, Failures> failures_
      ABSL_GUARDED_BY(failures_mu_);
  mutable absl::Mutex hashing_mu_;
  mutable int hashing_ ABSL_GUARDED_BY(hashing_mu_) = 0;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_CALL_AUTH_H_
