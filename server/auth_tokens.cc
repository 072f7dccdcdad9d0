#include "server/auth_tokens.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/private_file.h"

namespace infinitedb::server {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr char kPrefix[] = "v1.";

std::string Mac(const std::string& key, std::string_view payload) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
       digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

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
    return TokenSigner(std::move(*key));
  }
  absl::StatusOr<std::string> key =
      OpenOrMakeKeyFile(path, kKeyBytes, "tokens handed out are then refused",
                        "every authentication token");
  if (!key.ok()) return key.status();
  return TokenSigner(std::move(*key));
}

std::string TokenSigner::Issue(const TokenClaims& claims) const {
  std::string payload;
  AppendU64(&payload, claims.generation);
  AppendU64(&payload, static_cast<uint64_t>(claims.expires_unix));
  payload.append(claims.user);
  return absl::StrCat(kPrefix, absl::WebSafeBase64Escape(payload), ".",
                      absl::WebSafeBase64Escape(Mac(key_, payload)));
}

absl::StatusOr<TokenClaims> TokenSigner::Verify(std::string_view token,
                                                int64_t now_unix) const {
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
  const std::string expected = Mac(key_, payload);
  if (mac.size() != expected.size() ||
      CRYPTO_memcmp(mac.data(), expected.data(), mac.size()) != 0) {
    return NotSigned();
  }
  TokenClaims claims;
  claims.generation = ReadU64(payload.data());
  claims.expires_unix = static_cast<int64_t>(ReadU64(payload.data() + 8));
  claims.user = payload.substr(16);
  if (claims.expires_unix <= now_unix) {
    return absl::UnauthenticatedError(
        "token: expired (authenticate again; --auth-token-ttl sets how long "
        "a token lasts)");
  }
  return claims;
}

}  // namespace infinitedb::server
