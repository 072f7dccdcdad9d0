// Damaged segments: a flipped byte in a block is DataLoss naming the file and
// the block while other blocks still read; a truncated file, a wrong
// expected size, or a damaged index or footer is DataLoss at open.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "engine/common/crc32c.h"
#include "engine/io/file.h"
#include "engine/segment/block_cache.h"
#include "engine/segment/segment_reader.h"
#include "tests/engine/segment/segment_test_util.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb::segment {
namespace {

using testing::AllBlocks;
using testing::Drain;
using testing::TestVersion;

constexpr uint32_t kSpaceId = 5;
constexpr uint64_t kFileNumber = 21;

// Overwrites bytes [at, at + 4) of `bytes` with `v`, little-endian.
void OverwriteFixed32(std::string* bytes, size_t at, uint32_t v) {
  std::string encoded;
  PutFixed32(&encoded, v);
  bytes->replace(at, 4, encoded);
}

class SegmentCorruptionTest : public ::testing::Test {
 protected:
  // About 600 2-D versions of 1 KiB on one branch: ten blocks or so.
  void SetUp() override {
    std::mt19937 rng(5);
    for (Revision revision = 1; revision <= 600; ++revision) {
      versions_.push_back(testing::MakeVersion(
          1, kSpaceId,
          {static_cast<uint32_t>(rng() % 1000),
           static_cast<uint32_t>(rng() % 1000)},
          revision, false,
          std::string(1024, static_cast<char>('a' + revision % 26))));
    }
    path_ = dir_.path() + "/" + SegmentFileName(kFileNumber);
    // Stored uncompressed, so that tests can edit a block's contents.
    auto properties = testing::WriteSegment(path_, kFileNumber, kSpaceId, 2,
                                            versions_, BlockCodec::kNone);
    ASSERT_TRUE(properties.ok()) << properties.status();
    size_ = properties->size_bytes;
    testing::SortByKey(&versions_);
    BlockCache cache(64 << 20);
    auto reader = Open(&cache);
    ASSERT_TRUE(reader.ok()) << reader.status();
    index_ = (*reader)->index();
    ASSERT_GE(index_.blocks.size(), 6u);
    good_ = ReadFile();
  }

  absl::StatusOr<std::shared_ptr<SegmentReader>> Open(BlockCache* cache) {
    return SegmentReader::Open(DefaultFileSystem(), path_, kFileNumber, size_,
                               cache);
  }

  std::string ReadFile() {
    return *DefaultFileSystem()->Open(path_, false)->ReadAll();
  }
  void WriteFile(const std::string& bytes) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  }
  void FlipByte(uint64_t offset) {
    std::string bytes = ReadFile();
    bytes[offset] ^= 0x40;
    WriteFile(bytes);
  }

  // Overwrites index bytes from `at` with `value`, fixes the index checksum
  // in the footer, and opens the file.
  absl::Status DamageIndex(uint64_t at, std::string_view value) {
    std::string bytes = ReadFile();
    const char* footer = bytes.data() + size_ - kFooterBytes;
    uint64_t index_offset = DecodeFixed64(footer);
    uint64_t index_size = DecodeFixed64(footer + 8);
    bytes.replace(index_offset + at, value.size(), value);
    OverwriteFixed32(&bytes, size_ - kFooterBytes + 16,
                     crc32c::Value(std::string_view(bytes.data() + index_offset,
                                                    index_size)));
    WriteFile(bytes);
    BlockCache cache(64 << 20);
    absl::Status status = Open(&cache).status();
    WriteFile(good_);
    return status;
  }

  void ExpectDataLossNamingFile(const absl::Status& status) {
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
    EXPECT_NE(status.message().find(SegmentFileName(kFileNumber)),
              std::string::npos)
        << status;
  }

  testing::TempDir dir_;
  std::string path_;
  uint64_t size_ = 0;
  std::vector<TestVersion> versions_;  // in key order
  SegmentIndex index_;                 // as first opened
  std::string good_;                   // the undamaged file
};

TEST_F(SegmentCorruptionTest, FlippedByteInABlockIsDataLossNamingFileAndBlock) {
  const BlockEntry& bad = index_.blocks[3];
  FlipByte(bad.offset + bad.size / 2);
  BlockCache cache(64 << 20);  // fresh: nothing of the file is cached
  auto reader = Open(&cache);
  ASSERT_TRUE(reader.ok()) << reader.status();  // the index is intact

  for (int attempt = 0; attempt < 2; ++attempt) {  // the bad block stays bad
    absl::Status status = (*reader)->ReadBlock(3).status();
    ExpectDataLossNamingFile(status);
    EXPECT_NE(status.message().find("block 3"), std::string::npos) << status;
  }
  ExpectDataLossNamingFile((*reader)->ReadBlocks(AllBlocks(**reader)).status());
  // Iterating through the bad block ends with its error.
  auto it = (*reader)->NewIterator(AllBlocks(**reader));
  std::vector<TestVersion> read = Drain(it.get());
  ExpectDataLossNamingFile(it->status());
  EXPECT_NE(it->status().message().find("block 3"), std::string::npos);
  EXPECT_FALSE(it->Valid());

  // Every other block still reads, with the right versions.
  std::vector<uint32_t> others;
  std::vector<TestVersion> expected;
  size_t at = 0;
  for (uint32_t b = 0; b < index_.blocks.size(); ++b) {
    if (b != 3) {
      ASSERT_TRUE((*reader)->ReadBlock(b).ok()) << b;
      others.push_back(b);
      expected.insert(expected.end(), versions_.begin() + at,
                      versions_.begin() + at + index_.blocks[b].record_count);
    }
    at += index_.blocks[b].record_count;
  }
  it = (*reader)->NewIterator(others);
  EXPECT_TRUE(Drain(it.get()) == expected);
  EXPECT_TRUE(it->status().ok()) << it->status();
}

TEST_F(SegmentCorruptionTest, FlippedChecksumByteIsDataLoss) {
  const BlockEntry& bad = index_.blocks.back();
  FlipByte(bad.offset + bad.size - 1);
  BlockCache cache(64 << 20);
  auto reader = Open(&cache);
  ASSERT_TRUE(reader.ok()) << reader.status();
  uint32_t last = static_cast<uint32_t>(index_.blocks.size() - 1);
  absl::Status status = (*reader)->ReadBlock(last).status();
  ExpectDataLossNamingFile(status);
  EXPECT_NE(status.message().find("block " + std::to_string(last)),
            std::string::npos)
      << status;
  EXPECT_TRUE((*reader)->ReadBlock(0).ok());
}

// A block whose checksum matches but whose records do not fit it (as a
// buggy writer could produce) is caught by the structural checks.
TEST_F(SegmentCorruptionTest, MalformedBlockWithValidChecksumIsDataLoss) {
  const BlockEntry& bad = index_.blocks[2];
  std::string bytes = ReadFile();
  // The value length of the first record (stored_record.h: after the
  // 9-byte block header, the shared byte, the 8-byte Hilbert key, 21 fixed
  // bytes and two coordinates) grows by one, so the records no longer end
  // where the count starts; the checksum is recomputed.
  size_t value_length_at = bad.offset + 9 + 1 + 8 + 21 + 8;
  OverwriteFixed32(&bytes, value_length_at,
                   DecodeFixed32(bytes.data() + value_length_at) + 1);
  OverwriteFixed32(
      &bytes, bad.offset + bad.size - 4,
      crc32c::Value(std::string_view(bytes.data() + bad.offset, bad.size - 4)));
  WriteFile(bytes);
  BlockCache cache(64 << 20);
  auto reader = Open(&cache);
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::Status status = (*reader)->ReadBlock(2).status();
  ExpectDataLossNamingFile(status);
  EXPECT_NE(status.message().find("block 2"), std::string::npos) << status;
}

// A compressed block whose checksum matches but whose payload does not
// decompress to its recorded size (a buggy writer) is DataLoss.
TEST_F(SegmentCorruptionTest, CompressedBlockThatDoesNotDecompressIsDataLoss) {
  std::string path = dir_.path() + "/" + SegmentFileName(kFileNumber + 1);
  auto properties = testing::WriteSegment(path, kFileNumber + 1, kSpaceId, 2,
                                          versions_, BlockCodec::kLz4);
  ASSERT_TRUE(properties.ok()) << properties.status();
  BlockCache cache(64 << 20);
  auto reader = SegmentReader::Open(DefaultFileSystem(), path, kFileNumber + 1,
                                    properties->size_bytes, &cache);
  ASSERT_TRUE(reader.ok()) << reader.status();
  const BlockEntry block = (*reader)->index().blocks[1];
  std::string bytes = *DefaultFileSystem()->Open(path, false)->ReadAll();
  size_t codec_at = block.offset + block.size - 5;
  ASSERT_EQ(bytes[codec_at], static_cast<char>(BlockCodec::kLz4));
  // The recorded size grows by one; the checksum is recomputed.
  size_t raw_size_at = codec_at - 4;
  OverwriteFixed32(&bytes, raw_size_at,
                   DecodeFixed32(bytes.data() + raw_size_at) + 1);
  OverwriteFixed32(&bytes, block.offset + block.size - 4,
                   crc32c::Value(std::string_view(bytes.data() + block.offset,
                                                  block.size - 4)));
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  BlockCache fresh_cache(64 << 20);
  reader = SegmentReader::Open(DefaultFileSystem(), path, kFileNumber + 1,
                               bytes.size(), &fresh_cache);
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::Status status = (*reader)->ReadBlock(1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_NE(status.message().find("block 1"), std::string::npos) << status;
  EXPECT_NE(status.message().find(path), std::string::npos) << status;
  EXPECT_TRUE((*reader)->ReadBlock(0).ok());
}

TEST_F(SegmentCorruptionTest, TruncatedSegmentIsDetectedAtOpen) {
  BlockCache cache(64 << 20);
  // The manifest's size disagrees with an intact file.
  for (uint64_t expected : {size_ - 1, size_ + 1, uint64_t{0}}) {
    ExpectDataLossNamingFile(SegmentReader::Open(DefaultFileSystem(), path_,
                                                 kFileNumber, expected, &cache)
                                 .status());
  }
  // The file lost its last bytes: caught against the manifest's size, and
  // by the footer when the size given matches the short file.
  std::filesystem::resize_file(path_, size_ - 3);
  ExpectDataLossNamingFile(Open(&cache).status());
  ExpectDataLossNamingFile(SegmentReader::Open(DefaultFileSystem(), path_,
                                               kFileNumber, size_ - 3, &cache)
                               .status());
  std::filesystem::resize_file(path_, 10);  // shorter than a footer
  ExpectDataLossNamingFile(
      SegmentReader::Open(DefaultFileSystem(), path_, kFileNumber, 10, &cache)
          .status());
}

TEST_F(SegmentCorruptionTest, CorruptIndexOrFooterIsDataLossAtOpen) {
  uint64_t index_offset = DecodeFixed64(good_.data() + size_ - kFooterBytes);
  BlockCache cache(64 << 20);
  // A byte of the index (inside the first block entry's first key), of the
  // index checksum, of the index offset, of the format version and of the
  // magic.
  for (uint64_t offset :
       {index_offset + 30, size_ - kFooterBytes + 16, size_ - kFooterBytes + 1,
        size_ - kFooterBytes + 20, size_ - 1}) {
    SCOPED_TRACE("offset " + std::to_string(offset));
    WriteFile(good_);
    FlipByte(offset);
    ExpectDataLossNamingFile(Open(&cache).status());
  }
}

// An index whose checksum matches but whose content is malformed: the
// decoder's own checks catch it.
TEST_F(SegmentCorruptionTest, MalformedIndexWithValidChecksumIsDataLoss) {
  ExpectDataLossNamingFile(DamageIndex(5, "\x08"));  // fanout 8, not 16
  ExpectDataLossNamingFile(DamageIndex(4, std::string(1, '\0')));  // dims 0
  // No tree levels over several blocks.
  ExpectDataLossNamingFile(DamageIndex(6, std::string(1, '\0')));
  // Block 0 starts past the index; block 0 holds no records.
  ExpectDataLossNamingFile(DamageIndex(8 + 7, "\x01"));
  ExpectDataLossNamingFile(DamageIndex(8 + 12, std::string(1, '\0')));
}

// Block 0 at offset 2^64 - 1: offset + size wraps around to below the index.
TEST_F(SegmentCorruptionTest, BlockOffsetThatWrapsAroundIsDataLoss) {
  ExpectDataLossNamingFile(DamageIndex(8, std::string(8, '\xff')));
}

// The footer's index bounds can wrap around 2^64 and still sum to the file
// size: index_offset = size - 40 + 2^63, index_size = 2^63.
TEST_F(SegmentCorruptionTest, FooterWithWrappingIndexBoundsIsDataLoss) {
  std::string bytes = ReadFile();
  uint64_t half = uint64_t{1} << 63;
  std::string bounds;
  PutFixed64(&bounds, size_ - kFooterBytes + half);
  PutFixed64(&bounds, half);
  bytes.replace(size_ - kFooterBytes, bounds.size(), bounds);
  WriteFile(bytes);
  BlockCache cache(64 << 20);
  ExpectDataLossNamingFile(Open(&cache).status());
}

}  // namespace
}  // namespace infinitedb::segment
