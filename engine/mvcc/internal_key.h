// The internal key that orders every stored version, and the memtable's
// in-memory entry layout.
//
// Internal key (compared with memcmp, so every field is big-endian):
//
//   branch_id  4 bytes  internal branch id
//   space_id   4 bytes  internal space id
//   hilbert    4*dims   Hilbert key of the point (engine/hilbert)
//   ~revision  8 bytes  bitwise-inverted revision, so newer versions of an
//                       address sort first
//
// The first 8 + 4*dims bytes are the address within a branch; the Hilbert key
// is a bijection of the point, so the point needs no separate place in the
// order.
#ifndef INFINITEDB_ENGINE_MVCC_INTERNAL_KEY_H_
#define INFINITEDB_ENGINE_MVCC_INTERNAL_KEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/coding.h"
#include "engine/public/types.h"

namespace infinitedb::mvcc {

inline constexpr size_t kKeyPrefixBytes = 8;  // branch + space
inline constexpr size_t kRevisionBytes = 8;

inline constexpr size_t kMaxInternalKeyBytes =
    kKeyPrefixBytes + 4 * kMaxStoredDims + kRevisionBytes;

inline size_t InternalKeyBytes(int dims) {
  return kKeyPrefixBytes + 4 * dims + kRevisionBytes;
}

inline void EncodeKeyPrefix(uint32_t branch_id, uint32_t space_id, char* out) {
  EncodeBigEndian32(branch_id, out);
  EncodeBigEndian32(space_id, out + 4);
}

// Encodes the internal key for (branch, space, hilbert key, revision).
inline std::string EncodeInternalKey(uint32_t branch_id, uint32_t space_id,
                                     std::string_view hilbert_key,
                                     Revision revision) {
  std::string key(kKeyPrefixBytes + hilbert_key.size() + kRevisionBytes, '\0');
  EncodeKeyPrefix(branch_id, space_id, key.data());
  hilbert_key.copy(key.data() + kKeyPrefixBytes, hilbert_key.size());
  EncodeBigEndian64(~revision, key.data() + key.size() - kRevisionBytes);
  return key;
}

inline Revision KeyRevision(std::string_view key) {
  return ~DecodeBigEndian64(key.data() + key.size() - kRevisionBytes);
}

// The key without its revision: identifies the address on its branch.
inline std::string_view KeyAddress(std::string_view key) {
  return key.substr(0, key.size() - kRevisionBytes);
}

// The Hilbert key part alone.
inline std::string_view KeyHilbert(std::string_view key) {
  return key.substr(kKeyPrefixBytes,
                    key.size() - kKeyPrefixBytes - kRevisionBytes);
}

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_INTERNAL_KEY_H_
