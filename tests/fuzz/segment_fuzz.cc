// Fuzz target: a segment file's bytes (engine/segment/segment_format.h),
// written to a file and opened as the engine opens one (footer, index,
// R-tree), then every block read and every record of it visited.
#include <unistd.h>

#include <cstdint>
#include <string>

#include "engine/io/file.h"
#include "engine/segment/block_cache.h"
#include "engine/segment/segment_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      "/tmp/infdb-segment-fuzz-" + std::to_string(getpid()) + ".seg";
  infinitedb::FileSystem* fs = infinitedb::DefaultFileSystem();
  {
    (void)fs->Remove(path);
    auto file = fs->Create(path);
    if (!file.ok()) return 0;
    (void)file->WriteAt(
        0, std::string_view(reinterpret_cast<const char*>(data), size));
  }
  infinitedb::segment::BlockCache cache(1 << 20);
  auto reader =
      infinitedb::segment::SegmentReader::Open(fs, path, 1, size, &cache);
  if (!reader.ok()) return 0;
  const size_t blocks = (*reader)->index().blocks.size();
  for (uint32_t i = 0; i < blocks && i < 64; ++i) {
    auto block = (*reader)->ReadBlock(i);
    if (!block.ok()) continue;
    for (uint32_t r = 0; r < (*block)->record_count(); ++r) {
      (void)(*block)->record(r).point();
    }
  }
  return 0;
}
