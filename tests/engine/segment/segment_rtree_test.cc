// The packed Hilbert R-tree over a segment's blocks: CandidateBlocks never
// misses a block holding a point of the box, in any dimension and for
// uniform or clustered data, and prunes most blocks for small boxes.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "engine/segment/block_cache.h"
#include "engine/segment/segment_reader.h"
#include "tests/engine/segment/segment_test_util.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb::segment {
namespace {

using testing::KeyPrefix;
using testing::TestVersion;

constexpr uint32_t kSpaceId = 4;
constexpr uint32_t kBranches[] = {1, 2};
// Large values keep the record count (and the test time) low for a given
// number of blocks: about 31 records per block.
constexpr size_t kValueBytes = 2000;

uint32_t Clamp(int64_t v) {
  return static_cast<uint32_t>(std::clamp<int64_t>(v, 0, UINT32_MAX));
}

// Uniform points, or points around a few centers at radii from 16 to 2^20.
std::vector<Point> MakePoints(std::mt19937& rng, int dims, bool clustered,
                              size_t count) {
  std::vector<Point> centers(4, Point(dims));
  for (Point& center : centers) {
    for (uint32_t& c : center) c = rng();
  }
  std::set<Point> points;
  while (points.size() < count) {
    Point point(dims);
    const Point& center = centers[rng() % centers.size()];
    int64_t radius = int64_t{1} << (4 + 8 * (rng() % 3));
    for (int axis = 0; axis < dims; ++axis) {
      point[axis] = clustered
                        ? Clamp(center[axis] - radius +
                                static_cast<int64_t>(rng() % (2 * radius + 1)))
                        : rng();
    }
    points.insert(point);
  }
  return {points.begin(), points.end()};
}

// Random boxes of every size: anywhere, around a stored point, the whole
// space, a single cell, or some axes whole and the others tight.
Box RandomBox(std::mt19937& rng, int dims, const std::vector<Point>& points) {
  Box box{Point(dims), Point(dims)};
  int kind = rng() % 5;
  const Point& anchor = points[rng() % points.size()];
  for (int axis = 0; axis < dims; ++axis) {
    int64_t side = int64_t{1} << (rng() % 33);
    int64_t low = rng();
    if (kind == 1 || (kind == 4 && rng() % 2 == 0)) {
      if (kind == 4) side = int64_t{1} << (rng() % 12);
      low = int64_t{anchor[axis]} - static_cast<int64_t>(rng() % side);
    } else if (kind == 2 || kind == 4) {
      low = 0;
      side = int64_t{1} << 32;
    } else if (kind == 3) {
      side = 1;
    }
    box.min[axis] = Clamp(low);
    box.max[axis] = Clamp(low + side - 1);
  }
  return box;
}

// The branch and point of every record in the segment, and its block.
struct Located {
  uint32_t branch_id;
  Point point;
  uint32_t block;
};

std::vector<Located> LocateRecords(const SegmentReader& reader) {
  std::vector<Located> out;
  for (uint32_t b = 0; b < reader.index().blocks.size(); ++b) {
    auto block = reader.ReadBlock(b);
    EXPECT_TRUE(block.ok()) << block.status();
    if (!block.ok()) return {};
    for (uint32_t i = 0; i < (*block)->record_count(); ++i) {
      RecordView view = (*block)->record(i);
      out.push_back({DecodeBigEndian32(view.key.data()), view.point(), b});
    }
  }
  return out;
}

// Checks CandidateBlocks for every branch against the stored points in the
// box; returns how many such points there were.
size_t CheckBox(const SegmentReader& reader,
                const std::vector<Located>& located, const Box& box) {
  size_t matches = 0;
  for (uint32_t branch : kBranches) {
    std::string prefix = KeyPrefix(branch, kSpaceId);
    std::vector<uint32_t> candidates = reader.CandidateBlocks(prefix, &box);
    EXPECT_TRUE(std::adjacent_find(candidates.begin(), candidates.end(),
                                   std::greater_equal<>()) == candidates.end())
        << "candidates not strictly ascending";
    for (uint32_t c : candidates) {
      EXPECT_EQ(reader.index().blocks[c].first_key.substr(0, 8), prefix)
          << "block " << c << " of another branch";
    }
    for (const Located& record : located) {
      if (record.branch_id != branch ||
          !testing::BoxContains(box, record.point))
        continue;
      ++matches;
      if (!std::binary_search(candidates.begin(), candidates.end(),
                              record.block)) {
        ADD_FAILURE() << "block " << record.block << " missed, branch "
                      << branch;
        return matches;
      }
    }
  }
  return matches;
}

std::vector<uint32_t> BranchBlocks(const SegmentReader& reader,
                                   uint32_t branch) {
  std::vector<uint32_t> out;
  for (uint32_t b = 0; b < reader.index().blocks.size(); ++b) {
    if (reader.index().blocks[b].first_key.substr(0, 8) ==
        KeyPrefix(branch, kSpaceId)) {
      out.push_back(b);
    }
  }
  return out;
}

// Small boxes in 2-D uniform data meet few blocks: returns the mean
// fraction of a branch's blocks that are candidates.
double MeanCandidateFraction(std::mt19937& rng, const SegmentReader& reader) {
  double total = 0;
  constexpr int kBoxes = 200;
  size_t branch_blocks = BranchBlocks(reader, 1).size();
  for (int i = 0; i < kBoxes; ++i) {
    Box box{{static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng())}, {}};
    for (uint32_t c : box.min) box.max.push_back(Clamp(int64_t{c} + (1 << 24)));
    total += static_cast<double>(
                 reader.CandidateBlocks(KeyPrefix(1, kSpaceId), &box).size()) /
             branch_blocks;
  }
  return total / kBoxes;
}

TEST(SegmentRtreeTest, CandidateBlocksNeverMissAMatch) {
  testing::TempDir dir;
  std::mt19937 rng(99);
  uint64_t file_number = 0;
  for (int dims : {1, 2, 3, 8, 16}) {
    for (bool clustered : {false, true}) {
      SCOPED_TRACE("dims " + std::to_string(dims) +
                   (clustered ? " clustered" : " uniform"));
      // 2-D uniform data gets more than 16^2 blocks: a three-level tree.
      bool big = dims == 2 && !clustered;
      std::vector<Point> points =
          MakePoints(rng, dims, clustered, big ? 4500 : 800);
      std::vector<TestVersion> versions;
      Revision revision = 1;
      for (uint32_t branch : kBranches) {
        for (const Point& point : points) {
          versions.push_back(
              testing::MakeVersion(branch, kSpaceId, point, revision++, false,
                                   std::string(kValueBytes, 'v')));
        }
      }
      std::string path = dir.path() + "/" + SegmentFileName(++file_number);
      auto properties =
          testing::WriteSegment(path, file_number, kSpaceId, dims, versions);
      ASSERT_TRUE(properties.ok()) << properties.status();
      BlockCache cache(1 << 20);
      auto reader = SegmentReader::Open(DefaultFileSystem(), path, file_number,
                                        properties->size_bytes, &cache);
      ASSERT_TRUE(reader.ok()) << reader.status();
      EXPECT_GT((*reader)->index().blocks.size(), 16u);
      if (big) {
        EXPECT_EQ((*reader)->index().levels.size(), 3u);
      }
      std::vector<Located> located = LocateRecords(**reader);
      ASSERT_EQ(located.size(), versions.size());

      // Boxes of every outcome: no match, some, nearly all.
      int empty_boxes = 0, partial_boxes = 0;
      for (int i = 0; i < 300; ++i) {
        size_t matches =
            CheckBox(**reader, located, RandomBox(rng, dims, points));
        empty_boxes += matches == 0;
        partial_boxes += matches > 0 && matches < versions.size() / 2;
      }
      EXPECT_GT(empty_boxes, 10);
      EXPECT_GT(partial_boxes, 10);
      Box whole{Point(dims, 0), Point(dims, UINT32_MAX)};
      EXPECT_EQ(CheckBox(**reader, located, whole), versions.size());
      for (uint32_t branch : kBranches) {
        EXPECT_EQ(
            (*reader)->CandidateBlocks(KeyPrefix(branch, kSpaceId), &whole),
            BranchBlocks(**reader, branch));
      }
      if (big) {
        EXPECT_LT(MeanCandidateFraction(rng, **reader), 0.05);
      }
    }
  }
}

}  // namespace
}  // namespace infinitedb::segment
