#include "server/call_auth.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "server/password_hash.h"
#include "server/server_log.h"

namespace infinitedb::server {
namespace {

constexpr char kBearer[] = "Bearer ";
// Failed attempts for one user allowed before each further one waits
// (1 s, doubling, at most kMaxBackoff); forgotten after kFailureMemory.
constexpr int kFreeFailures = 3;
constexpr absl::Duration kMaxBackoff = absl::Seconds(60);
constexpr absl::Duration kFailureMemory = absl::Minutes(15);
constexpr size_t kMaxTrackedUsers = 10000;
// Concurrent password hashes (each takes 64 MiB).
constexpr int kMaxConcurrentHashes = 4;

absl::Status Unauthenticated(const grpc::ServerContext& context,
                             const std::string& why) {
  AuditLog()->warn("authentication failed: {} (peer {})", why, context.peer());
  return absl::UnauthenticatedError(why);
}

std::string CertificateName(const grpc::ServerContext& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  std::vector<grpc::string_ref> names =
      auth->FindPropertyValues("x509_common_name");
  if (names.empty()) return "";
  return std::string(names.front().data(), names.front().size());
}

}  // namespace

bool Caller::Allowed(const Need& need) const {
  if (everything()) return true;
  return std::any_of(
      user->grants.begin(), user->grants.end(),
      [&](const GrantRule& grant) { return Covers(grant, need); });
}

bool Caller::MayRead(std::string_view space) const {
  if (everything()) return true;
  return std::any_of(user->grants.begin(), user->grants.end(),
                     [&](const GrantRule& grant) {
                       return grant.permission != Permission::kReplicate &&
                              PatternMatches(grant.space, space);
                     });
}

absl::StatusOr<Caller> CallAuth::Identify(
    const grpc::ServerContext& context) const {
  std::shared_ptr<const AuthView> view = store_->view();
  if (!view->enabled) return Caller{std::move(view), nullptr, ""};
  const auto& metadata = context.client_metadata();
  auto header = metadata.find("authorization");
  if (header != metadata.end()) {
    std::string_view value(header->second.data(), header->second.size());
    if (!value.starts_with(kBearer)) {
      return Unauthenticated(context,
                             "authorization: not 'Bearer TOKEN' (a token "
                             "from Auth.Authenticate)");
    }
    value.remove_prefix(sizeof(kBearer) - 1);
    absl::StatusOr<Caller> caller = FromToken(std::move(view), value);
    if (!caller.ok())
      return Unauthenticated(context, std::string(caller.status().message()));
    return caller;
  }
  if (options_.certificate_users) {
    const std::string name = CertificateName(context);
    const AuthUser* user = name.empty() ? nullptr : view->FindUser(name);
    if (user != nullptr) return Caller{std::move(view), user, "certificate"};
    if (!name.empty()) {
      return Unauthenticated(
          context, absl::StrFormat("certificate: no user '%s' (its Common "
                                   "Name)",
                                   name));
    }
  }
  return Unauthenticated(context,
                         "auth is enabled: authenticate (infdb-cli --user "
                         "NAME, or Auth.Authenticate and the metadata "
                         "'authorization: Bearer TOKEN')");
}

absl::StatusOr<Caller> CallAuth::FromToken(std::shared_ptr<const AuthView> view,
                                           std::string_view token) const {
  absl::StatusOr<TokenClaims> claims =
      options_.signer->Verify(token, absl::ToUnixSeconds(absl::Now()));
  if (!claims.ok()) return claims.status();
  const AuthUser* user = view->FindUser(claims->user);
  if (user == nullptr || user->token_generation != claims->generation) {
    return absl::UnauthenticatedError(absl::StrFormat(
        "token: user '%s' was deleted or changed password since (authenticate "
        "again)",
        claims->user));
  }
  return Caller{std::move(view), user, "token"};
}

absl::Status CallAuth::Require(const Caller& caller, const Need& need,
                               const grpc::ServerContext& context) const {
  if (caller.Allowed(need)) return absl::OkStatus();
  const std::string what = DescribeNeed(need);
  AuditLog()->warn("permission denied: user '{}' lacks {} (peer {})",
                   caller.name(), what, context.peer());
  return absl::PermissionDeniedError(
      absl::StrFormat("user '%s' lacks %s", caller.name(), what));
}

absl::StatusOr<Caller> CallAuth::Allow(const grpc::ServerContext& context,
                                       const Need& need) const {
  absl::StatusOr<Caller> caller = Identify(context);
  if (!caller.ok()) return caller.status();
  if (absl::Status s = Require(*caller, need, context); !s.ok()) return s;
  return caller;
}

absl::Duration CallAuth::Backoff(const std::string& user,
                                 absl::Time now) const {
  absl::MutexLock lock(&failures_mu_);
  auto it = failures_.find(user);
  if (it == failures_.end() || it->second.count < kFreeFailures) {
    return absl::ZeroDuration();
  }
  const int doublings = std::min(it->second.count - kFreeFailures, 6);
  const absl::Duration wait =
      std::min(absl::Seconds(int64_t{1} << doublings), kMaxBackoff);
  const absl::Duration left = it->second.last + wait - now;
  return left > absl::ZeroDuration() ? left : absl::ZeroDuration();
}

void CallAuth::NoteAttempt(const std::string& user, bool ok,
                           absl::Time now) const {
  absl::MutexLock lock(&failures_mu_);
  if (ok) {
    failures_.erase(user);
    return;
  }
  if (failures_.size() >= kMaxTrackedUsers) {
    std::erase_if(failures_, [&](const auto& entry) {
      return now - entry.second.last > kFailureMemory;
    });
  }
  Failures& failures = failures_[user];
  if (now - failures.last > kFailureMemory) failures.count = 0;
  ++failures.count;
  failures.last = now;
}

absl::StatusOr<CallAuth::Issued> CallAuth::Authenticate(
    const std::string& user, const std::string& password,
    const std::string& peer) const {
  const absl::Time now = absl::Now();
  if (absl::Duration wait = Backoff(user, now); wait > absl::ZeroDuration()) {
    AuditLog()->warn(
        "authentication refused: user '{}' is throttled after "
        "failed attempts (peer {})",
        user, peer);
    return absl::ResourceExhaustedError(absl::StrFormat(
        "user '%s': too many failed authentications; try again in %d s", user,
        absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1)))));
  }
  std::shared_ptr<const AuthView> view = store_->view();
  const AuthUser* found = view->FindUser(user);
  {
    absl::MutexLock lock(&hashing_mu_);
    hashing_mu_.Await(absl::Condition(
        +[](int* n) { return *n < kMaxConcurrentHashes; }, &hashing_));
    ++hashing_;
  }
  const bool ok =
      VerifyPassword(found == nullptr ? "" : found->password_hash, password);
  {
    absl::MutexLock lock(&hashing_mu_);
    --hashing_;
  }
  NoteAttempt(user, ok, absl::Now());
  if (!ok) {
    AuditLog()->warn(
        "authentication failed: wrong user or password for "
        "'{}' (peer {})",
        user, peer);
    return absl::UnauthenticatedError("wrong user or password");
  }
  const int64_t expires = absl::ToUnixSeconds(now + options_.token_ttl);
  AuditLog()->info("authenticated: user '{}' (peer {})", user, peer);
  return Issued{
      options_.signer->Issue({found->name, found->token_generation, expires}),
      expires};
}

}  // namespace infinitedb::server
