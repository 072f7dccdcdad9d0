#include "engine/wal/wal_cut.h"

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/common/framing.h"

namespace infinitedb::wal {

absl::StatusOr<uint64_t> EndOfRevisions(std::string_view data,
                                        Revision revision) {
  size_t offset = 0;
  while (true) {
    framing::ParsedFrame frame;
    const framing::ParseResult result =
        framing::ParseFrame(data, offset, &frame);
    if (result == framing::ParseResult::kEndOfData ||
        result == framing::ParseResult::kTruncated) {
      return offset;  // the end, or a frame still being written
    }
    if (result == framing::ParseResult::kCorrupt) {
      if (!framing::AnyValidFrameAfter(data, offset)) return offset;
      return absl::DataLossError(
          absl::StrFormat("WAL frame at offset %d is damaged", offset));
    }
    if (frame.payload.size() < 8) {
      return absl::DataLossError(
          absl::StrFormat("WAL frame at offset %d has no revision", offset));
    }
    if (DecodeFixed64(frame.payload.data()) > revision) return offset;
    offset += frame.frame_bytes;
  }
}

}  // namespace infinitedb::wal
