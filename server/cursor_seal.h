// Resume cursors that clients cannot forge or damage unnoticed: every
// cursor infdb-server hands out (Query, Count, Diff, ListConflicts and the
// graph's paged streams) is the engine's cursor followed by a 16-byte tag,
// HMAC-SHA256 (truncated) under this server's key over a purpose label and
// the cursor. A cursor whose tag does not match (a flipped bit, a cursor of
// another server or another kind of call) is INVALID_ARGUMENT naming the
// field, before the engine decodes it.
//
// The key: 32 random bytes in DATA_DIR/cursor.key (mode 0600), made on the
// first start and kept across restarts, so cursors stay valid then.
#ifndef INFINITEDB_SERVER_CURSOR_SEAL_H_
#define INFINITEDB_SERVER_CURSOR_SEAL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace infinitedb::server {

class CursorSeal {
 public:
  // Reads DATA_DIR/cursor.key, or makes it (durably) when missing.
  static absl::StatusOr<CursorSeal> Open(const std::string& data_dir);
  // A seal with this key (for tests).
  explicit CursorSeal(std::string key) : key_(std::move(key)) {}

  // The cursor as handed out; empty stays empty (no more pages).
  std::string Seal(std::string_view purpose, std::string_view cursor) const;
  // The engine's cursor of a cursor Seal made for `purpose`; empty stays
  // empty (the first page). InvalidArgument naming `field` otherwise.
  absl::StatusOr<std::string> Unseal(std::string_view purpose,
                                     std::string_view sealed,
                                     std::string_view field) const;

 private:
  std::string Tag(std::string_view purpose, std::string_view cursor) const;

  std::string key_;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_CURSOR_SEAL_H_
