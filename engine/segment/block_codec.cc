#include "engine/segment/block_codec.h"

#include <lz4.h>
#include <zstd.h>

#include <memory>

namespace infinitedb::segment {
namespace {

constexpr int kZstdLevel = 1;

struct ZstdContexts {
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> compress{ZSTD_createCCtx(),
                                                              ZSTD_freeCCtx};
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> decompress{
      ZSTD_createDCtx(), ZSTD_freeDCtx};
};

// Contexts are reused per thread: creating one per block costs more than
// compressing a small block.
ZstdContexts& ThreadZstd() {
  thread_local ZstdContexts contexts;
  return contexts;
}

}  // namespace

bool IsBlockCodec(uint8_t byte) {
  return byte <= static_cast<uint8_t>(BlockCodec::kZstd);
}

std::string Compress(BlockCodec codec, std::string_view raw) {
  std::string out;
  switch (codec) {
    case BlockCodec::kNone:
      out.assign(raw);
      break;
    case BlockCodec::kLz4: {
      out.resize(LZ4_compressBound(static_cast<int>(raw.size())));
      int size = LZ4_compress_default(raw.data(), out.data(),
                                      static_cast<int>(raw.size()),
                                      static_cast<int>(out.size()));
      out.resize(size > 0 ? size : 0);
      break;
    }
    case BlockCodec::kZstd: {
      out.resize(ZSTD_compressBound(raw.size()));
      size_t size =
          ZSTD_compressCCtx(ThreadZstd().compress.get(), out.data(), out.size(),
                            raw.data(), raw.size(), kZstdLevel);
      out.resize(ZSTD_isError(size) ? 0 : size);
      break;
    }
  }
  return out;
}

bool Decompress(BlockCodec codec, std::string_view stored, size_t raw_size,
                std::string* out) {
  // Sizes are checked against what the stored bytes can hold before any
  // memory is reserved for them.
  switch (codec) {
    case BlockCodec::kNone:
      if (stored.size() != raw_size) return false;
      out->assign(stored);
      return true;
    case BlockCodec::kLz4:
      // LZ4 expands a byte at most 255 times.
      if (raw_size / 255 > stored.size()) return false;
      out->resize(raw_size);
      return LZ4_decompress_safe(
                 stored.data(), out->data(), static_cast<int>(stored.size()),
                 static_cast<int>(raw_size)) == static_cast<int>(raw_size);
    case BlockCodec::kZstd: {
      // The frame header records the size it decompresses to.
      if (ZSTD_getFrameContentSize(stored.data(), stored.size()) != raw_size) {
        return false;
      }
      out->resize(raw_size);
      size_t size =
          ZSTD_decompressDCtx(ThreadZstd().decompress.get(), out->data(),
                              raw_size, stored.data(), stored.size());
      return !ZSTD_isError(size) && size == raw_size;
    }
  }
  return false;
}

}  // namespace infinitedb::segment
