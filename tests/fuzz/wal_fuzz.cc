// Fuzz target: a WAL segment's bytes (engine/wal/wal_format.h). Frames are
// parsed as recovery parses them, each payload decoded as a commit of both
// frame types, and the log cut at a revision taken from the input; any
// input gives a status, never a crash or an out-of-bounds read.
#include <cstdint>
#include <string_view>

#include "engine/common/framing.h"
#include "engine/wal/wal_cut.h"
#include "engine/wal/wal_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  size_t offset = 0;
  infinitedb::framing::ParsedFrame frame;
  while (infinitedb::framing::ParseFrame(bytes, offset, &frame) ==
         infinitedb::framing::ParseResult::kOk) {
    for (auto type :
         {infinitedb::wal::kCommit, infinitedb::wal::kReplicatedCommit}) {
      (void)infinitedb::wal::DecodeCommit(type, frame.payload);
    }
    offset += frame.frame_bytes;
  }
  (void)infinitedb::framing::AnyValidFrameAfter(bytes, offset);
  const uint64_t revision = size > 0 ? data[0] : 0;
  (void)infinitedb::wal::EndOfRevisions(bytes, revision);
  // Unframed, as a damaged frame's payload could be.
  (void)infinitedb::wal::DecodeCommit(infinitedb::wal::kCommit, bytes);
  (void)infinitedb::wal::DecodeCommit(infinitedb::wal::kReplicatedCommit,
                                      bytes);
  return 0;
}
