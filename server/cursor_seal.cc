#include "server/cursor_seal.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_format.h"

namespace infinitedb::server {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kTagBytes = 16;

absl::Status WriteDurably(const std::string& path, const std::string& bytes) {
  const std::string temporary = path + ".tmp";
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return absl::InternalError("cannot create " + temporary);
  bool ok = write(fd, bytes.data(), bytes.size()) ==
                static_cast<ssize_t>(bytes.size()) &&
            fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::InternalError("cannot write " + path);
  }
  const std::string dir = path.substr(0, path.rfind('/'));
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CursorSeal> CursorSeal::Open(const std::string& data_dir) {
  const std::string path = data_dir + "/cursor.key";
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream contents;
    contents << in.rdbuf();
    if (contents.str().size() != kKeyBytes) {
      return absl::DataLossError(absl::StrFormat(
          "%s: %d bytes, not %d (remove it to make a new key; cursors handed "
          "out before are then refused)",
          path, contents.str().size(), kKeyBytes));
    }
    return CursorSeal(contents.str());
  }
  std::string key(kKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeyBytes) !=
      1) {
    return absl::InternalError("no random bytes for the cursor key");
  }
  if (absl::Status s = WriteDurably(path, key); !s.ok()) return s;
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
