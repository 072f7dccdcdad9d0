// Tests of the Hilbert key: round trips, curve continuity, order on small
// grids, and the cover of query boxes by key ranges.
#include "engine/hilbert/hilbert.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace infinitedb::hilbert {
namespace {

using Point = std::vector<uint32_t>;

Point DecodeString(const std::string& key, int dims) {
  Point point(dims);
  Decode(reinterpret_cast<const uint8_t*>(key.data()), dims, point.data());
  return point;
}

// Big-endian increment; returns false when the key was all ones.
bool Increment(std::string* key) {
  for (int i = static_cast<int>(key->size()) - 1; i >= 0; --i) {
    unsigned char& byte = reinterpret_cast<unsigned char&>((*key)[i]);
    if (++byte != 0) return true;
  }
  return false;
}

// The last 8 bytes of a key as a number; requires the others to be zero.
uint64_t LowKeyBits(const std::string& key) {
  for (size_t i = 0; i + 8 < key.size(); ++i) EXPECT_EQ(key[i], 0);
  uint64_t value = 0;
  const size_t start = key.size() > 8 ? key.size() - 8 : 0;
  for (size_t i = start; i < key.size(); ++i) {
    value = (value << 8) | static_cast<uint8_t>(key[i]);
  }
  return value;
}

// True if the points differ by exactly one along exactly one axis.
bool IsUnitStep(const Point& a, const Point& b) {
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

Point RandomPoint(std::mt19937_64& rng, int dims) {
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

// Checks the structural contract of CoveringRanges, then that every listed
// point's key is covered.
void CheckCover(const std::vector<KeyRange>& ranges, int dims,
                size_t max_ranges, const std::vector<Point>& points) {
  ASSERT_FALSE(ranges.empty());
  ASSERT_LE(ranges.size(), std::max<size_t>(max_ranges, 1));
  for (size_t i = 0; i < ranges.size(); ++i) {
    ASSERT_EQ(ranges[i].first.size(), KeyBytes(dims));
    ASSERT_EQ(ranges[i].last.size(), KeyBytes(dims));
    ASSERT_LE(ranges[i].first, ranges[i].last);
    if (i == 0) continue;
    std::string after_previous = ranges[i - 1].last;
    ASSERT_TRUE(Increment(&after_previous));
    ASSERT_LT(after_previous, ranges[i].first) << "overlap or adjacency";
  }
  for (const Point& point : points) {
    const std::string key = EncodeToString(point);
    auto it = std::upper_bound(
        ranges.begin(), ranges.end(), key,
        [](const std::string& k, const KeyRange& r) { return k < r.first; });
    ASSERT_NE(it, ranges.begin()) << "key before the first range";
    ASSERT_LE(key, std::prev(it)->last) << "key not covered";
  }
}

std::vector<Point> AllPointsOfBox(const Point& min, const Point& max) {
  std::vector<Point> points;
  Point point = min;
  while (true) {
    points.push_back(point);
    size_t j = 0;
    while (j < point.size() && point[j] == max[j]) point[j] = min[j], ++j;
    if (j == point.size()) return points;
    ++point[j];
  }
}

// A box of at most a few thousand points, near the origin or anywhere.
void RandomSmallBox(std::mt19937_64& rng, int dims, bool near_origin,
                    Point* min, Point* max) {
  const uint32_t max_side = dims <= 2 ? 40 : dims <= 4 ? 8 : 2;
  min->resize(dims);
  max->resize(dims);
  for (int j = 0; j < dims; ++j) {
    const uint32_t side = 1 + rng() % max_side;
    const uint32_t start =
        near_origin ? rng() % 64
                    : static_cast<uint32_t>(rng()) % (UINT32_MAX - side);
    (*min)[j] = start;
    (*max)[j] = start + side - 1;
  }
}

TEST(CoveringRangesTest, SmallBoxesAreCoveredWithinBudget) {
  std::mt19937_64 rng(4);
  for (int dims : {1, 2, 3, 4, 8, 16}) {
    for (int n = 0; n < 60; ++n) {
      Point min, max;
      RandomSmallBox(rng, dims, /*near_origin=*/n % 2 == 0, &min, &max);
      const std::vector<Point> points = AllPointsOfBox(min, max);
      for (size_t budget : {0, 1, 2, 5, 16, 64, 1000}) {
        SCOPED_TRACE(testing::Message()
                     << "dims=" << dims << " n=" << n << " budget=" << budget);
        CheckCover(CoveringRanges(min, max, budget), dims, budget, points);
      }
    }
  }
}

TEST(CoveringRangesTest, LargeBoxesCoverSampledPoints) {
  std::mt19937_64 rng(5);
  for (int dims : {2, 3, 4, 8, 16}) {
    for (int n = 0; n < 20; ++n) {
      Point min(dims), max(dims);
      for (int j = 0; j < dims; ++j) {
        uint32_t a = static_cast<uint32_t>(rng()),
                 b = static_cast<uint32_t>(rng());
        min[j] = std::min(a, b);
        max[j] = std::max(a, b);
      }
      std::vector<Point> samples;
      for (int s = 0; s < 500; ++s) {
        Point point(dims);
        for (int j = 0; j < dims; ++j) {
          const uint64_t span = uint64_t{max[j]} - min[j] + 1;
          point[j] = static_cast<uint32_t>(min[j] + rng() % span);
        }
        samples.push_back(point);
      }
      samples.push_back(min);
      samples.push_back(max);
      CheckCover(CoveringRanges(min, max, 128), dims, 128, samples);
    }
  }
}

// Sum of the sizes of the ranges, for dims = 2 (8-byte keys).
uint64_t KeyCount(const std::vector<KeyRange>& ranges) {
  uint64_t count = 0;
  for (const KeyRange& range : ranges) {
    count += LowKeyBits(range.last) - LowKeyBits(range.first) + 1;
  }
  return count;
}

TEST(CoveringRangesTest, GenerousBudgetIsExactInTwoDimensions) {
  // Aligned to the 64-grid: a 3 x 2 block of level-26 cells.
  const Point aligned_min{64, 192}, aligned_max{255, 319};
  std::vector<KeyRange> ranges = CoveringRanges(aligned_min, aligned_max, 64);
  CheckCover(ranges, 2, 64, AllPointsOfBox(aligned_min, aligned_max));
  EXPECT_EQ(KeyCount(ranges), 192u * 128u);
  EXPECT_LE(ranges.size(), 6u);

  // Unaligned, far from the origin: refinement goes down to single points.
  const Point min{1000003, 77777}, max{1000020, 77790};
  ranges = CoveringRanges(min, max, 10000);
  CheckCover(ranges, 2, 10000, AllPointsOfBox(min, max));
  EXPECT_EQ(KeyCount(ranges), 18u * 14u);
}

TEST(CoveringRangesTest, TighterWithMoreBudget) {
  const Point min{123456789, 987654321}, max{133456789, 997654321};
  uint64_t previous = UINT64_MAX;
  for (size_t budget : {1, 4, 16, 64, 256}) {
    const uint64_t count = KeyCount(CoveringRanges(min, max, budget));
    EXPECT_LE(count, previous) << "budget=" << budget;
    previous = count;
  }
  // 256 ranges leave little slack around a 10^7 x 10^7 box.
  EXPECT_LT(previous, uint64_t{10000001} * 10000001 * 11 / 10);
}

TEST(CoveringRangesTest, WholeSpaceIsOneRange) {
  for (int dims = 1; dims <= kMaxDims; ++dims) {
    const std::vector<KeyRange> ranges =
        CoveringRanges(Point(dims, 0), Point(dims, UINT32_MAX), 100);
    ASSERT_EQ(ranges.size(), 1u);
    EXPECT_EQ(ranges[0].first, std::string(KeyBytes(dims), '\0'));
    EXPECT_EQ(ranges[0].last, std::string(KeyBytes(dims), '\xFF'));
  }
}

TEST(CoveringRangesTest, SinglePointBoxContainsItsKey) {
  std::mt19937_64 rng(6);
  for (int dims = 1; dims <= kMaxDims; ++dims) {
    for (int n = 0; n < 20; ++n) {
      const Point point = RandomPoint(rng, dims);
      for (size_t budget : {1, 8}) {
        CheckCover(CoveringRanges(point, point, budget), dims, budget, {point});
      }
    }
  }
  // Cheap enough to refine to the point itself in a few dimensions.
  const Point point{0xDEADBEEF, 42, 7};
  const std::vector<KeyRange> ranges = CoveringRanges(point, point, 4);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].first, EncodeToString(point));
  EXPECT_EQ(ranges[0].last, EncodeToString(point));
}

TEST(CoveringRangesTest, StraddlingTheCentreInSixteenDimensionsIsBounded) {
  const Point min(16, 0x7FFFFFF0u), max(16, 0x8000000Fu);
  std::mt19937_64 rng(7);
  std::vector<Point> samples;
  for (int s = 0; s < 200; ++s) {
    Point point(16);
    for (uint32_t& c : point) c = 0x7FFFFFF0u + rng() % 32;
    samples.push_back(point);
  }
  CheckCover(CoveringRanges(min, max, 256), 16, 256, samples);
}

}  // namespace
}  // namespace infinitedb::hilbert
