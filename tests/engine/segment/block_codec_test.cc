// Block codecs: every codec round-trips, names parse both ways, and a stored
// payload that does not decode to exactly the recorded size (damaged bytes,
// a wrong size, sizes no payload that small can hold) is refused.
#include "engine/segment/block_codec.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace infinitedb::segment {
namespace {

constexpr BlockCodec kCodecs[] = {BlockCodec::kNone, BlockCodec::kLz4,
                                  BlockCodec::kZstd};

std::string SampleContents() {
  std::mt19937 rng(2);
  std::string raw;
  for (int i = 0; i < 2000; ++i) {
    raw += "record-" + std::to_string(rng() % 100000) + "-vvvvvvvvvvvvvvvv";
  }
  return raw;
}

TEST(BlockCodecTest, EveryCodecRoundTrips) {
  std::string raw = SampleContents();
  for (BlockCodec codec : kCodecs) {
    std::string stored = Compress(codec, raw);
    if (codec != BlockCodec::kNone) {
      EXPECT_LT(stored.size(), raw.size() / 2) << BlockCodecName(codec);
    }
    std::string out;
    ASSERT_TRUE(Decompress(codec, stored, raw.size(), &out))
        << BlockCodecName(codec);
    EXPECT_EQ(out, raw);
    BlockCodec parsed;
    ASSERT_TRUE(ParseBlockCodec(BlockCodecName(codec), &parsed));
    EXPECT_EQ(parsed, codec);
    EXPECT_TRUE(IsBlockCodec(static_cast<uint8_t>(codec)));
  }
  BlockCodec parsed;
  EXPECT_FALSE(ParseBlockCodec("snappy", &parsed));
  EXPECT_FALSE(IsBlockCodec(3));
}

TEST(BlockCodecTest, WrongSizesAndDamagedPayloadsAreRefused) {
  std::string raw = SampleContents();
  for (BlockCodec codec : kCodecs) {
    std::string stored = Compress(codec, raw);
    std::string out;
    SCOPED_TRACE(std::string(BlockCodecName(codec)));
    EXPECT_FALSE(Decompress(codec, stored, raw.size() + 1, &out));
    EXPECT_FALSE(Decompress(codec, stored, raw.size() - 1, &out));
    // Far more than the payload could ever expand to.
    EXPECT_FALSE(Decompress(codec, stored, size_t{1} << 30, &out));
    EXPECT_LT(out.capacity(), size_t{1} << 30);
    if (codec == BlockCodec::kNone) continue;
    std::string truncated = stored.substr(0, stored.size() / 2);
    EXPECT_FALSE(Decompress(codec, truncated, raw.size(), &out));
  }
}

}  // namespace
}  // namespace infinitedb::segment
