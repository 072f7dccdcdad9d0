// Replay of a log of CRC frames (framing.h), shared by the WAL and the
// manifest, with the one rule that tells a torn tail from corruption: a bad
// frame with no valid frame anywhere after it, at the end of a file that is
// allowed a torn tail, is an append that never completed (it ends the log);
// any other bad frame is damage (DataLoss naming the file and offset).
#ifndef INFINITEDB_ENGINE_COMMON_FRAME_LOG_H_
#define INFINITEDB_ENGINE_COMMON_FRAME_LOG_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "engine/common/framing.h"

namespace infinitedb::framing {

struct LogReplay {
  size_t valid_bytes = 0;  // the valid frames end here
  size_t torn_bytes = 0;   // a torn tail after them (0: none)
  std::string torn_reason;
};

// Calls `visit` with every valid frame of `data` (the contents of `path`)
// and its offset, in order, and stops at the first error it returns.
// `label` names the log in errors ("WAL", "manifest"); `tail_may_be_torn`
// is false for a file that was complete before a later one started.
absl::StatusOr<LogReplay> ReplayLog(
    std::string_view data, std::string_view label, std::string_view path,
    bool tail_may_be_torn,
    absl::FunctionRef<absl::Status(const ParsedFrame&, size_t offset)> visit);

// DataLoss "<label> corrupted in <path> at offset <offset>: <what>".
absl::Status LogCorruption(std::string_view label, std::string_view path,
                           size_t offset, std::string_view what);

}  // namespace infinitedb::framing

#endif  // INFINITEDB_ENGINE_COMMON_FRAME_LOG_H_
