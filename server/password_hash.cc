#include "server/password_hash.h"

#include <sodium.h>

#include "absl/strings/str_format.h"

namespace infinitedb::server {
namespace {

// A hash of a password nobody knows, made once: verifying against it costs
// what verifying against a real user's hash costs.
const std::string& StandInHash() {
  static const std::string* hash = [] {
    char out[crypto_pwhash_STRBYTES];
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    if (crypto_pwhash_str(out, reinterpret_cast<const char*>(random),
                          sizeof random, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      return new std::string();
    }
    return new std::string(out);
  }();
  return *hash;
}

}  // namespace

absl::Status InitPasswordHashing() {
  if (sodium_init() < 0) {
    return absl::InternalError("libsodium could not be initialised");
  }
  StandInHash();
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashPassword(std::string_view password,
                                         std::string_view field) {
  if (password.size() < kMinPasswordBytes ||
      password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %d bytes; a password has %d to %d", field,
                        password.size(), kMinPasswordBytes, kMaxPasswordBytes));
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return absl::ResourceExhaustedError(
        "password hashing ran out of memory; try again");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  const bool known = !hash.empty() && hash.size() < crypto_pwhash_STRBYTES;
  const std::string stored(known ? hash : StandInHash());
  const bool match = crypto_pwhash_str_verify(stored.c_str(), password.data(),
                                              password.size()) == 0;
  return known && match;
}

}  // namespace infinitedb::server
