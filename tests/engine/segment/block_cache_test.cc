// The block cache: a byte bound that always holds, least-recently-used
// eviction, dropping a deleted segment's blocks, and the reader going through
// the cache.
#include "engine/segment/block_cache.h"

#include <gtest/gtest.h>

#include <random>

#include "engine/segment/segment_reader.h"
#include "tests/engine/segment/segment_test_util.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb::segment {
namespace {

constexpr uint32_t kSpaceId = 6;
constexpr uint64_t kFileNumber = 8;
// The cache splits its capacity evenly over this many shards (block_cache.h).
constexpr size_t kShards = 16;

class BlockCacheTest : public ::testing::Test {
 protected:
  // A segment of a few blocks, open through a cache big enough for all.
  void SetUp() override {
    std::vector<testing::TestVersion> versions;
    for (uint32_t i = 0; i < 300; ++i) {
      versions.push_back(testing::MakeVersion(1, kSpaceId, {i, i}, i + 1, false,
                                              std::string(1000, 'c')));
    }
    std::string path = dir_.path() + "/" + SegmentFileName(kFileNumber);
    auto properties =
        testing::WriteSegment(path, kFileNumber, kSpaceId, 2, versions);
    ASSERT_TRUE(properties.ok()) << properties.status();
    auto reader = SegmentReader::Open(DefaultFileSystem(), path, kFileNumber,
                                      properties->size_bytes, &reader_cache_);
    ASSERT_TRUE(reader.ok()) << reader.status();
    reader_ = *reader;
    ASSERT_GE(reader_->index().blocks.size(), 3u);
    auto block = reader_->ReadBlock(0);
    ASSERT_TRUE(block.ok()) << block.status();
    block_ = *block;
  }

  testing::TempDir dir_;
  BlockCache reader_cache_{64 << 20};
  std::shared_ptr<SegmentReader> reader_;
  std::shared_ptr<const Block> block_;  // inserted under many keys below
};

TEST_F(BlockCacheTest, BlockCacheStaysWithinItsByteBound) {
  // Room for four blocks per shard.
  BlockCache cache(kShards * 4 * block_->size_bytes());
  EXPECT_EQ(cache.bytes(), 0u);
  for (uint32_t i = 0; i < 2000; ++i) {
    cache.Insert(1 + i % 97, i, block_);
    ASSERT_LE(cache.bytes(), cache.capacity_bytes()) << i;
    ASSERT_EQ(cache.bytes(), cache.blocks() * block_->size_bytes());
  }
  EXPECT_GT(cache.blocks(), 0u);
  // Inserting a key again does not count it twice.
  size_t bytes = cache.bytes();
  cache.Insert(1 + 1999 % 97, 1999, block_);
  EXPECT_EQ(cache.bytes(), bytes);
  // A cache too small for one block per shard holds nothing.
  BlockCache tiny(block_->size_bytes());
  for (uint32_t i = 0; i < 100; ++i) tiny.Insert(1, i, block_);
  EXPECT_LE(tiny.bytes(), tiny.capacity_bytes());
}

// A segment's blocks are spread over the shards, so one segment can use the
// whole cache: with room for 128 blocks, 64 blocks of one file all (or
// nearly all, for an unlucky hash) stay cached.
TEST_F(BlockCacheTest, BlocksOfOneSegmentSpreadOverTheShards) {
  BlockCache cache(kShards * 8 * block_->size_bytes());
  for (uint32_t i = 0; i < 64; ++i) cache.Insert(kFileNumber, i, block_);
  EXPECT_GE(cache.blocks(), 48u);
}

TEST_F(BlockCacheTest, EvictsLeastRecentlyUsedBlocks) {
  BlockCache cache(kShards * 4 * block_->size_bytes());
  cache.Insert(1, 0, block_);  // touched before every insert: always recent
  cache.Insert(1, 1, block_);  // never touched again: evicted
  for (uint32_t i = 2; i < 2000; ++i) {
    ASSERT_NE(cache.Lookup(1, 0), nullptr) << "recently used block evicted";
    cache.Insert(1, i, block_);
  }
  EXPECT_EQ(cache.Lookup(1, 0), block_);
  EXPECT_EQ(cache.Lookup(1, 1), nullptr);
  size_t hits = 0;
  for (uint32_t i = 2; i < 1000; ++i) hits += cache.Lookup(1, i) != nullptr;
  EXPECT_EQ(hits, 0u) << "old blocks survived heavy insertion";
  // An evicted block stays alive for whoever holds it.
  EXPECT_EQ(block_->record_count(), reader_->index().blocks[0].record_count);
}

TEST_F(BlockCacheTest, EraseFileDropsOnlyThatFile) {
  BlockCache cache(64 << 20);
  for (uint32_t i = 0; i < 20; ++i) {
    cache.Insert(1, i, block_);
    cache.Insert(2, i, block_);
  }
  EXPECT_EQ(cache.blocks(), 40u);
  cache.EraseFile(1);
  EXPECT_EQ(cache.blocks(), 20u);
  EXPECT_EQ(cache.bytes(), 20 * block_->size_bytes());
  for (uint32_t i = 0; i < 20; ++i) {
    EXPECT_EQ(cache.Lookup(1, i), nullptr);
    EXPECT_EQ(cache.Lookup(2, i), block_);
  }
}

TEST_F(BlockCacheTest, ReaderServesBlocksFromTheCache) {
  EXPECT_EQ(reader_cache_.Lookup(kFileNumber, 0), block_);
  auto again = reader_->ReadBlock(0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, block_);  // the same object, not a second read
  std::vector<uint32_t> blocks = testing::AllBlocks(*reader_);
  auto read = reader_->ReadBlocks(blocks);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(reader_cache_.blocks(), blocks.size());
  for (uint32_t b : blocks) {
    EXPECT_EQ(reader_cache_.Lookup(kFileNumber, b), (*read)[b]);
  }
}

}  // namespace
}  // namespace infinitedb::segment
