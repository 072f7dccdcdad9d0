// Access-control records that travel in the change stream: the server's
// users, roles and settings, each a record of the streamed system space
// __auth on main under a key the server chooses, so that last-writer-wins
// keeps the newest record of each key on every server. The engine stores
// and ships the payload without reading it.
//
//   address  3 axes: 3 | FNV-1a 64 of the key, high 32 bits | low 32 bits
//   value    version u8 (1) | key string | payload string
//            (strings: u32 length, then the bytes)
//
// A removed key is a tombstone at its address.
#ifndef INFINITEDB_ENGINE_REPLICATION_AUTH_RECORDS_H_
#define INFINITEDB_ENGINE_REPLICATION_AUTH_RECORDS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/public/changes.h"
#include "engine/public/types.h"

namespace infinitedb::replication {

inline constexpr int kAuthDims = 3;
// Keys are at most this long (the server's names are shorter).
inline constexpr size_t kMaxAuthKeyBytes = 512;

struct AuthRecord {
  std::string key;
  std::string payload;
};

Point AuthRecordPoint(std::string_view key);
std::string EncodeAuthRecord(std::string_view key, std::string_view payload);
// InvalidArgument naming `field` when `value` is not an auth record.
absl::StatusOr<AuthRecord> DecodeAuthRecord(std::string_view value,
                                            std::string_view field);
// InvalidArgument naming `field` when `op` is not a put of an auth record
// at its key's address (or a delete) on main.
absl::Status CheckAuthOp(const ChangeOp& op, std::string_view field);

}  // namespace infinitedb::replication

#endif  // INFINITEDB_ENGINE_REPLICATION_AUTH_RECORDS_H_
