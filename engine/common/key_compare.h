// Fast ordering of byte strings (internal keys, Hilbert keys): the same
// result as memcmp-then-length, eight bytes at a time and inlined, because
// the read path compares keys for every version it visits.
#ifndef INFINITEDB_ENGINE_COMMON_KEY_COMPARE_H_
#define INFINITEDB_ENGINE_COMMON_KEY_COMPARE_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace infinitedb {

// <0, 0, >0 as a is before, equal to, or after b (unsigned bytes).
inline int CompareKeys(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
  }
  for (; i < n; ++i) {
    uint8_t x = static_cast<uint8_t>(a[i]), y = static_cast<uint8_t>(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

inline bool KeysEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CompareKeys(a, b) == 0;
}

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_COMMON_KEY_COMPARE_H_
