// Signed tokens: what Authenticate hands out and every later call sends as
// "authorization: Bearer TOKEN". A token names its user, the user's token
// generation (drawn anew at every password change, so older tokens stop
// working) and its expiry, and is signed with HMAC-SHA-256 under this
// server's key. It carries no grants: those are looked up on every call,
// so a change to a user's roles takes effect on their next call.
//
//   token   "v1." base64url(payload) "." base64url(HMAC-SHA-256(payload))
//   payload generation u64 | expires unix seconds i64 | user bytes
//           (little-endian)
//
// The key is 32 random bytes in a file (--auth-token-key-file, or
// DATA_DIR/token.key made at the first start, mode 0600); servers
// that share it accept each other's tokens.
#ifndef INFINITEDB_SERVER_AUTH_TOKENS_H_
#define INFINITEDB_SERVER_AUTH_TOKENS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace infinitedb::server {

struct TokenClaims {
  std::string user;
  uint64_t generation = 0;
  int64_t expires_unix = 0;
};

class TokenSigner {
 public:
  // Reads the key from `path`, or makes one there (0600) when
  // `create_if_missing` and there is no file.
  static absl::StatusOr<TokenSigner> Open(const std::string& path,
                                          bool create_if_missing);
  explicit TokenSigner(const std::string& key);

  std::string Issue(const TokenClaims& claims) const;
  // Unauthenticated (saying why, naming no secret) for a token this key
  // did not sign, or one expired at `now_unix`.
  absl::StatusOr<TokenClaims> Verify(std::string_view token,
                                     int64_t now_unix) const;

 private:
  // HMAC-SHA-256 keyed once (libsodium's state after the key), copied per
  // token: keying, and OpenSSL 3's per-call algorithm fetch, cost more than
  // hashing a token's few bytes.
  struct KeyedMac;
  std::string Mac(std::string_view payload) const;
  // The claims of a token this key signed, expired or not.
  absl::StatusOr<TokenClaims> CheckSignature(std::string_view token) const;

  std::shared_ptr<const KeyedMac> mac_;
  // The claims of tokens whose signature was checked (a token's claims
  // never change), so that a token's later calls skip the HMAC; shared by
  // the copies of this signer.
  struct VerifiedTokens;
  std::shared_ptr<VerifiedTokens> verified_;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_AUTH_TOKENS_H_
