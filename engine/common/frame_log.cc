#include "engine/common/frame_log.h"

#include "absl/strings/str_format.h"

namespace infinitedb::framing {

absl::Status LogCorruption(std::string_view label, std::string_view path,
                           size_t offset, std::string_view what) {
  return absl::DataLossError(absl::StrFormat(
      "%s corrupted in %s at offset %d: %s", label, path, offset, what));
}

absl::StatusOr<LogReplay> ReplayLog(
    std::string_view data, std::string_view label, std::string_view path,
    bool tail_may_be_torn,
    absl::FunctionRef<absl::Status(const ParsedFrame&, size_t offset)> visit) {
  LogReplay replay;
  size_t offset = 0;
  while (true) {
    ParsedFrame frame;
    ParseResult parsed = ParseFrame(data, offset, &frame);
    if (parsed == ParseResult::kEndOfData) break;
    if (parsed != ParseResult::kOk) {
      const char* what = parsed == ParseResult::kTruncated
                             ? "truncated frame"
                             : "checksum mismatch or bad frame header";
      if (!tail_may_be_torn || AnyValidFrameAfter(data, offset)) {
        return LogCorruption(label, path, offset, what);
      }
      replay.torn_bytes = data.size() - offset;
      replay.torn_reason = what;
      break;
    }
    absl::Status status = visit(frame, offset);
    if (!status.ok()) return status;
    offset += frame.frame_bytes;
  }
  replay.valid_bytes = offset;
  return replay;
}

}  // namespace infinitedb::framing
