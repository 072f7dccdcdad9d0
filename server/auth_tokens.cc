#include "server/auth_tokens.h"

#include <sodium.h>

#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "server/private_file.h"

namespace infinitedb::server {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr char kPrefix[] = "v1.";
// Tokens whose signature was checked, kept to skip the HMAC on their next
// calls; forgotten all at once when this many are held.
constexpr size_t kVerifiedTokensMax = 10'000;

// Little-endian, as the server builds for little-endian targets only.
void AppendU64(std::string* out, uint64_t value) {
  char bytes[8];
  std::memcpy(bytes, &value, 8);
  out->append(bytes, 8);
}

uint64_t ReadU64(const char* bytes) {
  uint64_t value = 0;
  std::memcpy(&value, bytes, 8);
  return value;
}

absl::Status NotSigned() {
  return absl::UnauthenticatedError(
      "token: not one this server signed (authenticate again)");
}

}  // namespace

struct TokenSigner::KeyedMac {
  crypto_auth_hmacsha256_state keyed;
};

struct TokenSigner::VerifiedTokens {
  absl::Mutex mu;
  absl::flat_hash_map<std::string, TokenClaims> claims ABSL_GUARDED_BY(mu);
};

TokenSigner::TokenSigner(const std::string& key) {
  // Idempotent; HMAC-SHA-256 itself needs nothing it sets up, and the
  // password hashing checks its result (password_hash.cc).
  [[maybe_unused]] const int sodium_ready = sodium_init();
  auto mac = std::make_shared<KeyedMac>();
  crypto_auth_hmacsha256_init(
      &mac->keyed, reinterpret_cast<const unsigned char*>(key.data()),
      key.size());
  mac_ = std::move(mac);
  verified_ = std::make_shared<VerifiedTokens>();
}

std::string TokenSigner::Mac(std::string_view payload) const {
  crypto_auth_hmacsha256_state state = mac_->keyed;
  crypto_auth_hmacsha256_update(
      &state, reinterpret_cast<const unsigned char*>(payload.data()),
      payload.size());
  unsigned char digest[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, digest);
  sodium_memzero(&state, sizeof(state));
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

absl::StatusOr<TokenSigner> TokenSigner::Open(const std::string& path,
                                              bool create_if_missing) {
  if (!create_if_missing) {
    absl::StatusOr<std::string> key =
        ReadFlagFile(path, "--auth-token-key-file");
    if (!key.ok()) return key.status();
    if (key->size() < kKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrFormat("--auth-token-key-file: %s holds %d bytes; a key "
                          "has at least %d (head -c 32 /dev/urandom)",
                          path, key->size(), kKeyBytes));
    }
    return TokenSigner(*key);
  }
  absl::StatusOr<std::string> key =
      OpenOrMakeKeyFile(path, kKeyBytes, "tokens handed out are then refused",
                        "every authentication token");
  if (!key.ok()) return key.status();
  return TokenSigner(*key);
}

std::string TokenSigner::Issue(const TokenClaims& claims) const {
  std::string payload;
  AppendU64(&payload, claims.generation);
  AppendU64(&payload, static_cast<uint64_t>(claims.expires_unix));
  payload.append(claims.user);
  return absl::StrCat(kPrefix, absl::WebSafeBase64Escape(payload), ".",
                      absl::WebSafeBase64Escape(Mac(payload)));
}

absl::StatusOr<TokenClaims> TokenSigner::CheckSignature(
    std::string_view token) const {
  if (!token.starts_with(kPrefix)) return NotSigned();
  token.remove_prefix(sizeof(kPrefix) - 1);
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return NotSigned();
  std::string payload, mac;
  if (!absl::WebSafeBase64Unescape(absl::string_view(token.data(), dot),
                                   &payload) ||
      !absl::WebSafeBase64Unescape(
          absl::string_view(token.data() + dot + 1, token.size() - dot - 1),
          &mac) ||
      payload.size() <= 16) {
    return NotSigned();
  }
  const std::string expected = Mac(payload);
  if (mac.size() != expected.size() ||
      sodium_memcmp(mac.data(), expected.data(), mac.size()) != 0) {
    return NotSigned();
  }
  TokenClaims claims;
  claims.generation = ReadU64(payload.data());
  claims.expires_unix = static_cast<int64_t>(ReadU64(payload.data() + 8));
  claims.user = payload.substr(16);
  return claims;
}

absl::StatusOr<TokenClaims> TokenSigner::Verify(std::string_view token,
                                                int64_t now_unix) const {
  TokenClaims claims;
  bool known = false;
  {
    absl::MutexLock lock(&verified_->mu);
    auto it = verified_->claims.find(
        absl::string_view(token.data(), token.size()));
    if (it != verified_->claims.end()) {
      claims = it->second;
      known = true;
    }
  }
  if (!known) {
    absl::StatusOr<TokenClaims> checked = CheckSignature(token);
    if (!checked.ok()) return checked.status();
    claims = *std::move(checked);
    absl::MutexLock lock(&verified_->mu);
    if (verified_->claims.size() >= kVerifiedTokensMax) {
      verified_->claims.clear();
    }
    verified_->claims.emplace(std::string(token), claims);
  }
  if (claims.expires_unix <= now_unix) {
    return absl::UnauthenticatedError(
        "token: expired (authenticate again; --auth-token-ttl sets how long "
        "a token lasts)");
  }
  return claims;
}

}  // namespace infinitedb::server
