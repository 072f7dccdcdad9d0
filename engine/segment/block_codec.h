// Compression of segment blocks: the codec byte stored with every block of a
// format-2 segment (segment_format.h) and the functions behind it.
//
//   0 none   the contents as they are
//   1 lz4    one LZ4 block (the raw block format, no frame)
//   2 zstd   one zstd frame (level 1)
//
// Frozen: the numbers are stored on disk.
#ifndef INFINITEDB_ENGINE_SEGMENT_BLOCK_CODEC_H_
#define INFINITEDB_ENGINE_SEGMENT_BLOCK_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/public/options.h"

namespace infinitedb::segment {

// The option's values are the stored codec bytes.
using BlockCodec = SegmentCompression;
static_assert(static_cast<uint8_t>(BlockCodec::kNone) == 0);
static_assert(static_cast<uint8_t>(BlockCodec::kLz4) == 1);
static_assert(static_cast<uint8_t>(BlockCodec::kZstd) == 2);

inline std::string_view BlockCodecName(BlockCodec codec) {
  return SegmentCompressionName(codec);
}
inline bool ParseBlockCodec(std::string_view name, BlockCodec* codec) {
  return ParseSegmentCompression(name, codec);
}
// Whether `byte` names a codec.
bool IsBlockCodec(uint8_t byte);

// `raw` compressed with `codec` (kNone: copied).
std::string Compress(BlockCodec codec, std::string_view raw);
// Exactly `raw_size` bytes decompressed from `stored` into `out`; false when
// `stored` is not a valid encoding of that many bytes.
bool Decompress(BlockCodec codec, std::string_view stored, size_t raw_size,
                std::string* out);

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_BLOCK_CODEC_H_
