#include "server/cursor_seal.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include "absl/strings/str_format.h"
#include "server/private_file.h"

namespace infinitedb::server {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kTagBytes = 16;

}  // namespace

absl::StatusOr<CursorSeal> CursorSeal::Open(const std::string& data_dir) {
  absl::StatusOr<std::string> key = OpenOrMakeKeyFile(
      data_dir + "/cursor.key", kKeyBytes,
      "cursors handed out before are then refused", "every resume cursor");
  if (!key.ok()) return key.status();
  return CursorSeal(std::move(*key));
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
