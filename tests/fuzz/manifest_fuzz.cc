// Fuzz target: a MANIFEST's bytes (engine/manifest/manifest_format.h):
// every frame applied as an edit to one catalogue state, as Open replays
// it, and each payload under every edit type.
#include <cstdint>
#include <string_view>

#include "engine/common/framing.h"
#include "engine/manifest/manifest_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  infinitedb::manifest::CatalogState state;
  size_t offset = 0;
  infinitedb::framing::ParsedFrame frame;
  while (infinitedb::framing::ParseFrame(bytes, offset, &frame) ==
         infinitedb::framing::ParseResult::kOk) {
    (void)infinitedb::manifest::ApplyEdit(frame.type, frame.payload, &state);
    for (uint8_t type = 1; type <= 16; ++type) {
      infinitedb::manifest::CatalogState scratch;
      (void)infinitedb::manifest::ApplyEdit(type, frame.payload, &scratch);
    }
    offset += frame.frame_bytes;
  }
  return 0;
}
