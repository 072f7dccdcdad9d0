// Tests of CoveringRanges: every point of the box is covered, within the
// range budget, with sorted, disjoint, merged ranges; exact when the budget
// allows.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/hilbert/hilbert.h"
#include "tests/engine/hilbert/test_points.h"

namespace infinitedb::hilbert {
namespace {

std::vector<std::string> KeysOf(const std::vector<Point>& points) {
  std::vector<std::string> keys;
  for (const Point& point : points) keys.push_back(EncodeToString(point));
  return keys;
}

// Checks the structural contract of CoveringRanges, then that every listed
// key is covered.
void CheckCover(const std::vector<KeyRange>& ranges, int dims,
                size_t max_ranges, const std::vector<std::string>& keys) {
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
  for (const std::string& key : keys) {
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

enum class Place { kNearOrigin, kNearTop, kAnywhere };

// A box of at most a few thousand points.
void RandomSmallBox(std::mt19937_64& rng, int dims, Place place, Point* min,
                    Point* max) {
  min->resize(dims);
  max->resize(dims);
  for (int j = 0; j < dims; ++j) {
    // Sides of up to 2 on at most 10 axes when there are many.
    const uint32_t max_side = dims <= 2 ? 40 : dims <= 4 ? 8 : j < 10 ? 2 : 1;
    const uint32_t side = 1 + rng() % max_side;
    const uint32_t offset = rng() % 64;
    uint32_t start = static_cast<uint32_t>(rng()) % (UINT32_MAX - side);
    if (place == Place::kNearOrigin) start = offset;
    if (place == Place::kNearTop) start = UINT32_MAX - (side - 1) - offset;
    (*min)[j] = start;
    (*max)[j] = start + (side - 1);
  }
}

TEST(CoveringRangesTest, SmallBoxesAreCoveredWithinBudget) {
  std::mt19937_64 rng(4);
  for (int dims : {1, 2, 3, 4, 8, 16}) {
    for (int n = 0; n < 60; ++n) {
      Point min, max;
      RandomSmallBox(rng, dims, static_cast<Place>(n % 3), &min, &max);
      const std::vector<std::string> keys = KeysOf(AllPointsOfBox(min, max));
      for (size_t budget : {0, 1, 2, 5, 16, 64, 1000}) {
        SCOPED_TRACE(testing::Message()
                     << "dims=" << dims << " n=" << n << " budget=" << budget);
        CheckCover(CoveringRanges(min, max, budget), dims, budget, keys);
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
      CheckCover(CoveringRanges(min, max, 128), dims, 128, KeysOf(samples));
    }
  }
}

// Sum of the sizes of the ranges, whose keys must fit in 8 bytes (any key
// for dims <= 2). Long double: the whole space has 2^64 keys.
long double KeyCount(const std::vector<KeyRange>& ranges) {
  long double count = 0;
  for (const KeyRange& range : ranges) {
    count += static_cast<long double>(LowKeyBits(range.last) -
                                      LowKeyBits(range.first)) +
             1;
  }
  return count;
}

TEST(CoveringRangesTest, GenerousBudgetIsExactInTwoDimensions) {
  // Aligned to the 64-grid: a 3 x 2 block of level-26 cells.
  const Point aligned_min{64, 192}, aligned_max{255, 319};
  std::vector<KeyRange> ranges = CoveringRanges(aligned_min, aligned_max, 64);
  CheckCover(ranges, 2, 64, KeysOf(AllPointsOfBox(aligned_min, aligned_max)));
  EXPECT_EQ(KeyCount(ranges), 192u * 128u);
  EXPECT_LE(ranges.size(), 6u);

  // Unaligned, far from the origin: refinement goes down to single points.
  const Point min{1000003, 77777}, max{1000020, 77790};
  ranges = CoveringRanges(min, max, 10000);
  CheckCover(ranges, 2, 10000, KeysOf(AllPointsOfBox(min, max)));
  EXPECT_EQ(KeyCount(ranges), 18u * 14u);
}

TEST(CoveringRangesTest, GenerousBudgetIsExactInThreeDimensions) {
  const Point min{3, 0, 17}, max{9, 4, 20};  // Keys below 2^64.
  const std::vector<KeyRange> ranges = CoveringRanges(min, max, 10000);
  CheckCover(ranges, 3, 10000, KeysOf(AllPointsOfBox(min, max)));
  EXPECT_EQ(KeyCount(ranges), 7u * 5u * 4u);
}

TEST(CoveringRangesTest, OneDimensionalBoxIsOneExactRange) {
  const std::vector<KeyRange> ranges =
      CoveringRanges(Point{5}, Point{0x12345678}, 1);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].first, EncodeToString(Point{5}));
  EXPECT_EQ(ranges[0].last, EncodeToString(Point{0x12345678}));
}

TEST(CoveringRangesTest, TighterWithMoreBudget) {
  const Point min{123456789, 987654321}, max{133456789, 997654321};
  long double previous = 0x1p64L;
  for (size_t budget : {1, 4, 16, 64, 256}) {
    const long double count = KeyCount(CoveringRanges(min, max, budget));
    EXPECT_LE(count, previous) << "budget=" << budget;
    previous = count;
  }
  // 256 ranges leave little slack around a 10^7 x 10^7 box.
  EXPECT_LT(previous, 10000001.0L * 10000001.0L * 1.1L);
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
        CheckCover(CoveringRanges(point, point, budget), dims, budget,
                   {EncodeToString(point)});
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

// Such boxes meet most children of most cells: the work bound decides how
// far refinement goes.
TEST(CoveringRangesTest, BoxesAroundTheCentreAreCoveredInManyDimensions) {
  std::mt19937_64 rng(7);
  for (int dims : {4, 8, 12, 16}) {
    const Point min(dims, 0x7FFFFFF0u), max(dims, 0x8000000Fu);
    std::vector<Point> samples;
    for (int s = 0; s < 200; ++s) {
      Point point(dims);
      for (uint32_t& c : point) c = 0x7FFFFFF0u + rng() % 32;
      samples.push_back(point);
    }
    samples.push_back(min);
    samples.push_back(max);
    CheckCover(CoveringRanges(min, max, 256), dims, 256, KeysOf(samples));
  }
}

}  // namespace
}  // namespace infinitedb::hilbert
