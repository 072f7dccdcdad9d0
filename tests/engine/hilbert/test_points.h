// Helpers shared by the tests of engine/hilbert: points, keys as strings.
#ifndef INFINITEDB_TESTS_ENGINE_HILBERT_TEST_POINTS_H_
#define INFINITEDB_TESTS_ENGINE_HILBERT_TEST_POINTS_H_

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/hilbert/hilbert.h"

namespace infinitedb::hilbert {

using Point = std::vector<uint32_t>;

inline Point DecodeString(const std::string& key, int dims) {
  Point point(dims);
  Decode(reinterpret_cast<const uint8_t*>(key.data()), dims, point.data());
  return point;
}

// Big-endian increment; returns false when the key was all ones.
inline bool Increment(std::string* key) {
  for (int i = static_cast<int>(key->size()) - 1; i >= 0; --i) {
    unsigned char& byte = reinterpret_cast<unsigned char&>((*key)[i]);
    if (++byte != 0) return true;
  }
  return false;
}

// The last 8 bytes of a key as a number; requires the others to be zero.
inline uint64_t LowKeyBits(const std::string& key) {
  for (size_t i = 0; i + 8 < key.size(); ++i) EXPECT_EQ(key[i], 0);
  uint64_t value = 0;
  const size_t start = key.size() > 8 ? key.size() - 8 : 0;
  for (size_t i = start; i < key.size(); ++i) {
    value = (value << 8) | static_cast<uint8_t>(key[i]);
  }
  return value;
}

// True if the points differ by exactly one along exactly one axis.
inline bool IsUnitStep(const Point& a, const Point& b) {
  int differing_axes = 0;
  for (size_t j = 0; j < a.size(); ++j) {
    if (a[j] == b[j]) continue;
    ++differing_axes;
    const uint32_t low = std::min(a[j], b[j]);
    const uint32_t high = std::max(a[j], b[j]);
    if (high - low != 1) return false;
  }
  return differing_axes == 1;
}

inline Point RandomPoint(std::mt19937_64& rng, int dims) {
  Point point(dims);
  for (uint32_t& coordinate : point) {
    switch (rng() % 8) {  // Favour the edges of the range.
      case 0:
        coordinate = 0;
        break;
      case 1:
        coordinate = UINT32_MAX;
        break;
      default:
        coordinate = static_cast<uint32_t>(rng());
    }
  }
  return point;
}

}  // namespace infinitedb::hilbert

#endif  // INFINITEDB_TESTS_ENGINE_HILBERT_TEST_POINTS_H_
