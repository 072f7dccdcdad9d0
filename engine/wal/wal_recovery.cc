#include "engine/wal/wal_recovery.h"

#include <vector>

#include "absl/strings/str_format.h"
#include "engine/common/framing.h"
#include "engine/io/file.h"
#include "spdlog/spdlog.h"

namespace infinitedb::wal {
namespace {

absl::Status Corruption(const std::string& path, uint64_t offset,
                        std::string_view what) {
  return absl::DataLossError(absl::StrFormat(
      "WAL corrupted in %s at offset %d: %s", path, offset, what));
}

// Replays one segment; returns the offset where its valid frames end.
absl::StatusOr<uint64_t> ReplaySegment(
    const std::string& path, bool is_last, RecoveryResult* result,
    const std::function<absl::Status(WalCommit)>& apply) {
  absl::StatusOr<io::File> file = io::File::Open(path, /*writable=*/is_last);
  if (!file.ok()) return file.status();
  absl::StatusOr<std::string> data = file->ReadAll();
  if (!data.ok()) return data.status();
  size_t offset = 0;
  while (true) {
    framing::ParsedFrame frame;
    framing::ParseResult parsed = framing::ParseFrame(*data, offset, &frame);
    if (parsed == framing::ParseResult::kEndOfData) return offset;
    if (parsed != framing::ParseResult::kOk) {
      const char* what = parsed == framing::ParseResult::kTruncated
                             ? "truncated frame"
                             : "checksum mismatch or bad frame header";
      if (!is_last || framing::AnyValidFrameAfter(*data, offset)) {
        return Corruption(path, offset, what);
      }
      result->truncated_bytes = data->size() - offset;
      spdlog::warn(
          "WAL {}: {} at offset {}; dropping the torn tail of {} bytes", path,
          what, offset, result->truncated_bytes);
      absl::Status status = file->Truncate(offset);
      if (status.ok()) status = file->DataSync();
      if (!status.ok()) return status;
      return offset;
    }
    absl::StatusOr<WalCommit> commit =
        DecodeCommit(static_cast<FrameType>(frame.type), frame.payload);
    if (!commit.ok())
      return Corruption(path, offset, std::string(commit.status().message()));
    if (commit->stamp.revision <= result->max_revision) {
      return Corruption(
          path, offset,
          absl::StrFormat("revision %d does not follow %d",
                          commit->stamp.revision, result->max_revision));
    }
    result->max_revision = commit->stamp.revision;
    ++result->commits_replayed;
    absl::Status status = apply(std::move(*commit));
    if (!status.ok()) return status;
    offset += frame.frame_bytes;
  }
}

}  // namespace

absl::StatusOr<RecoveryResult> RecoverLog(
    const std::string& wal_dir,
    const std::function<absl::Status(WalCommit)>& apply) {
  absl::Status status = io::CreateDirectories(wal_dir);
  if (!status.ok()) return status;
  absl::StatusOr<std::vector<std::string>> names = io::ListDirectory(wal_dir);
  if (!names.ok()) return names.status();
  std::vector<uint64_t> numbers;
  for (const std::string& name : *names) {
    uint64_t number;
    if (ParseSegmentFileName(name, &number)) numbers.push_back(number);
  }
  std::sort(numbers.begin(), numbers.end());
  RecoveryResult result;
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (i > 0 && numbers[i] != numbers[i - 1] + 1) {
      return absl::DataLossError(
          absl::StrFormat("WAL segment %s is missing in %s",
                          SegmentFileName(numbers[i - 1] + 1), wal_dir));
    }
    bool is_last = i + 1 == numbers.size();
    std::string path = wal_dir + "/" + SegmentFileName(numbers[i]);
    absl::StatusOr<uint64_t> end = ReplaySegment(path, is_last, &result, apply);
    if (!end.ok()) return end.status();
    result.last_segment = numbers[i];
    result.end_offset = *end;
    result.segment_max_revision[numbers[i]] = result.max_revision;
  }
  result.segments = numbers.size();
  return result;
}

}  // namespace infinitedb::wal
