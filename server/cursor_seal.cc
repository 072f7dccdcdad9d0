#include "server/cursor_seal.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "absl/strings/str_format.h"
#include "server/private_file.h"

namespace infinitedb::server {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kTagBytes = 16;

}  // namespace

absl::StatusOr<CursorSeal> CursorSeal::Open(const std::string& data_dir) {
  const std::string path = data_dir + "/cursor.key";
  absl::StatusOr<std::string> existing = ReadWholeFile(path);
  if (existing.ok()) {
    if (existing->size() != kKeyBytes) {
      return absl::DataLossError(absl::StrFormat(
          "%s: %d bytes, not %d (remove it to make a new key; cursors handed "
          "out before are then refused)",
          path, existing->size(), kKeyBytes));
    }
    return CursorSeal(std::move(*existing));
  }
  // Only a missing key is made anew: one that cannot be read now must not
  // be replaced (the cursors handed out would all be refused).
  if (!absl::IsNotFound(existing.status())) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s; it signs every resume cursor", existing.status().message()));
  }
  std::string key(kKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeyBytes) !=
      1) {
    return absl::InternalError("no random bytes for the cursor key");
  }
  if (absl::Status s = WritePrivateFile(path, key); !s.ok()) return s;
  return CursorSeal(std::move(key));
}

std::string CursorSeal::Tag(std::string_view purpose,
                            std::string_view cursor) const {
  std::string message = "infdb-cursor-v1:";
  message.append(purpose).push_back('\0');
  message.append(cursor);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), kTagBytes);
}

std::string CursorSeal::Seal(std::string_view purpose,
                             std::string_view cursor) const {
  if (cursor.empty()) return "";
  std::string sealed(cursor);
  sealed += Tag(purpose, cursor);
  return sealed;
}

absl::StatusOr<std::string> CursorSeal::Unseal(std::string_view purpose,
                                               std::string_view sealed,
                                               std::string_view field) const {
  if (sealed.empty()) return std::string();
  if (sealed.size() > kTagBytes) {
    std::string_view cursor = sealed.substr(0, sealed.size() - kTagBytes);
    const std::string expected = Tag(purpose, cursor);
    if (CRYPTO_memcmp(expected.data(), sealed.data() + cursor.size(),
                      kTagBytes) == 0) {
      return std::string(cursor);
    }
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: not a cursor this server handed out for this call (damaged, "
      "forged, or from another server)",
      field));
}

}  // namespace infinitedb::server
