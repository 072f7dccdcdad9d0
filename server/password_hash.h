// Passwords, stored only as argon2id hashes (libsodium's crypto_pwhash_str:
// the salt and the costs travel inside the string). Verification of an
// unknown user's password hashes against a stand-in, so that a wrong user
// and a wrong password take the same time.
#ifndef INFINITEDB_SERVER_PASSWORD_HASH_H_
#define INFINITEDB_SERVER_PASSWORD_HASH_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace infinitedb::server {

inline constexpr size_t kMinPasswordBytes = 8;
inline constexpr size_t kMaxPasswordBytes = 1024;

// Initialises libsodium; call once before the rest (idempotent).
absl::Status InitPasswordHashing();

// InvalidArgument naming `field` for a password out of bounds.
absl::StatusOr<std::string> HashPassword(std::string_view password,
                                         std::string_view field);
// Whether `password` matches `hash`; for an empty hash (no such user, or a
// user without a password) does the same work and answers false.
bool VerifyPassword(std::string_view hash, std::string_view password);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_PASSWORD_HASH_H_
