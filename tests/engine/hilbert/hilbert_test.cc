// Tests of the Hilbert key: the format, round trips, continuity of the curve
// and order on small grids.
#include "engine/hilbert/hilbert.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/engine/hilbert/test_points.h"

namespace infinitedb::hilbert {
namespace {

// Skilling's AxesToTranspose as published (coord_t = uint32_t, b = 32),
// followed by the key interleave of hilbert.h written bit by bit: an
// independent statement of the key format.
std::string ReferenceKey(Point x) {
  const int n = static_cast<int>(x.size());
  const uint32_t m = uint32_t{1} << 31;
  for (uint32_t q = m; q > 1; q >>= 1) {
    const uint32_t p = q - 1;
    for (int i = 0; i < n; i++) {
      if (x[i] & q) {
        x[0] ^= p;
      } else {
        const uint32_t t = (x[0] ^ x[i]) & p;
        x[0] ^= t;
        x[i] ^= t;
      }
    }
  }
  for (int i = 1; i < n; i++) x[i] ^= x[i - 1];
  uint32_t t = 0;
  for (uint32_t q = m; q > 1; q >>= 1) {
    if (x[n - 1] & q) t ^= q - 1;
  }
  for (int i = 0; i < n; i++) x[i] ^= t;

  std::string key(KeyBytes(n), '\0');
  int key_bit = 0;
  for (int bit = 31; bit >= 0; --bit) {
    for (int i = 0; i < n; ++i, ++key_bit) {
      if ((x[i] >> bit) & 1)
        key[key_bit / 8] |= static_cast<char>(0x80 >> (key_bit % 8));
    }
  }
  return key;
}

TEST(HilbertTest, KeyIsSkillingTransposeInterleaved) {
  std::mt19937_64 rng(7);
  for (int dims = 1; dims <= kMaxDims; ++dims) {
    for (int n = 0; n < 3000; ++n) {
      const Point point = RandomPoint(rng, dims);
      ASSERT_EQ(EncodeToString(point), ReferenceKey(point)) << "dims=" << dims;
    }
  }
}

// Keys are stored on disk: these values, computed by the first version of
// the code, must never change.
TEST(HilbertTest, KeysMatchPinnedValues) {
  EXPECT_EQ(EncodeToString(Point{0x12345678, 0x9ABCDEF0}),
            std::string("\x42\x48\x4A\xCA\x48\x42\x40\x6A", 8));
  EXPECT_EQ(
      EncodeToString(Point{0x12345678, 0x9ABCDEF0, 0x0F1E2D3C}),
      std::string("\x7B\x48\x7B\x3A\x39\x48\x6B\xAC\x73\x21\xD4\xF6", 12));
  // FNV-1a over the keys of 10000 pseudo-random points per dims.
  constexpr uint64_t kPinnedHashes[kMaxDims] = {
      0x9cf816d61e74e008, 0xfa419ae065e81b5b, 0xfe20b15e190f8418,
      0x58803ad055e6a2ec, 0xb57b34e5074bb1a1, 0x1c5f788ddfc42022,
      0xcb3954249faba8e9, 0xacb9211125de6c68, 0xb18f86c5e060774c,
      0x4087af83eaed51b3, 0xb53301da34b99aa8, 0xf8e32cef152e33fc,
      0xbc5cab369b1561f1, 0x69afa8ce830568db, 0xd6db2be25bb86191,
      0xad863a43be4ee8e8};
  for (int dims = 1; dims <= kMaxDims; ++dims) {
    std::mt19937_64 rng(dims);
    uint64_t hash = 14695981039346656037u;
    for (int n = 0; n < 10000; ++n) {
      Point point(dims);
      for (uint32_t& coordinate : point) {
        const uint64_t r = rng();
        coordinate = r % 8 == 0   ? 0
                     : r % 8 == 1 ? UINT32_MAX
                                  : static_cast<uint32_t>(r >> 8);
      }
      for (char byte : EncodeToString(point)) {
        hash = (hash ^ static_cast<uint8_t>(byte)) * 1099511628211u;
      }
    }
    EXPECT_EQ(hash, kPinnedHashes[dims - 1]) << "dims=" << dims;
  }
}

TEST(HilbertTest, RoundTripRandomPointsEveryDimension) {
  std::mt19937_64 rng(1);
  for (int dims = 1; dims <= kMaxDims; ++dims) {
    for (int n = 0; n < 5000; ++n) {
      const Point point = RandomPoint(rng, dims);
      const std::string key = EncodeToString(point);
      ASSERT_EQ(key.size(), KeyBytes(dims));
      ASSERT_EQ(DecodeString(key, dims), point) << "dims=" << dims;
    }
  }
}

TEST(HilbertTest, OneDimensionIsTheIdentity) {
  for (uint32_t x : {0u, 1u, 2u, 0x12345678u, UINT32_MAX}) {
    const std::string key = EncodeToString(std::vector<uint32_t>{x});
    EXPECT_EQ(LowKeyBits(key), x);
  }
}

TEST(HilbertTest, WorkedExampleOfTheHeader) {
  EXPECT_EQ(LowKeyBits(EncodeToString(Point{0, 0})), 0u);
  EXPECT_EQ(LowKeyBits(EncodeToString(Point{1, 0})), 1u);
  EXPECT_EQ(LowKeyBits(EncodeToString(Point{1, 1})), 2u);
  EXPECT_EQ(LowKeyBits(EncodeToString(Point{0, 1})), 3u);
  EXPECT_EQ(LowKeyBits(EncodeToString(Point{0, 2})), 4u);
  EXPECT_EQ(EncodeToString(Point{UINT32_MAX, 0}), std::string(8, '\xFF'));
}

TEST(HilbertTest, ConsecutiveKeysAreUnitStepsInTheFirstCube) {
  for (int dims : {2, 3, 4}) {
    const int bits_per_axis = dims == 4 ? 3 : 4;
    const uint64_t count = uint64_t{1} << (bits_per_axis * dims);
    std::string key(KeyBytes(dims), '\0');
    Point previous = DecodeString(key, dims);
    EXPECT_EQ(previous, Point(dims, 0));
    for (uint64_t index = 1; index < count; ++index) {
      ASSERT_TRUE(Increment(&key));
      const Point point = DecodeString(key, dims);
      ASSERT_TRUE(IsUnitStep(previous, point))
          << "dims=" << dims << " index=" << index;
      previous = point;
    }
  }
}

TEST(HilbertTest, RandomKeysAndTheirSuccessorsAreUnitSteps) {
  std::mt19937_64 rng(2);
  for (int dims = 1; dims <= kMaxDims; ++dims) {
    for (int n = 0; n < 2000; ++n) {
      std::string key(KeyBytes(dims), '\0');
      for (char& byte : key) byte = static_cast<char>(rng());
      // Long runs of ones make the carry cross many levels of the curve.
      const size_t ones = rng() % (key.size() + 1);
      std::fill(key.end() - ones, key.end(), '\xFF');
      const Point point = DecodeString(key, dims);
      if (!Increment(&key)) continue;
      ASSERT_TRUE(IsUnitStep(point, DecodeString(key, dims)))
          << "dims=" << dims;
    }
  }
}

TEST(HilbertTest, FirstCubeMapsOntoTheFirstKeys) {
  for (int dims : {2, 3}) {
    const int bits_per_axis = 4;
    const uint64_t count = uint64_t{1} << (bits_per_axis * dims);
    std::vector<bool> seen(count, false);
    for (uint64_t cell = 0; cell < count; ++cell) {
      Point point(dims);
      for (int j = 0; j < dims; ++j) {
        point[j] = (cell >> (j * bits_per_axis)) & ((1u << bits_per_axis) - 1);
      }
      const uint64_t index = LowKeyBits(EncodeToString(point));
      ASSERT_LT(index, count);
      ASSERT_FALSE(seen[index]) << "two points share key " << index;
      seen[index] = true;
    }
  }
}

TEST(HilbertTest, DistinctRandomPointsHaveDistinctKeys) {
  std::mt19937_64 rng(3);
  for (int dims : {1, 2, 3, 5, 16}) {
    std::set<Point> points;
    std::set<std::string> keys;
    for (int n = 0; n < 20000; ++n) {
      const Point point = RandomPoint(rng, dims);
      if (points.insert(point).second) {
        ASSERT_TRUE(keys.insert(EncodeToString(point)).second);
      }
    }
  }
}

}  // namespace
}  // namespace infinitedb::hilbert
