#include "engine/wal/wal_recovery.h"

#include <vector>

#include "absl/strings/str_format.h"
#include "engine/common/frame_log.h"
#include "engine/io/file.h"

namespace infinitedb::wal {
namespace {

constexpr char kLabel[] = "WAL";

// Replays one segment; returns the offset where its valid frames end.
absl::StatusOr<uint64_t> ReplaySegment(
    FileSystem* file_system, spdlog::logger* logger, const std::string& path,
    bool is_last, RecoveryResult* result,
    const std::function<absl::Status(WalCommit)>& apply) {
  absl::StatusOr<io::File> file = file_system->Open(path, /*writable=*/is_last);
  if (!file.ok()) return file.status();
  absl::StatusOr<std::string> data = file->ReadAll();
  if (!data.ok()) return data.status();
  absl::StatusOr<framing::LogReplay> replay = framing::ReplayLog(
      *data, kLabel, path, /*tail_may_be_torn=*/is_last,
      [&](const framing::ParsedFrame& frame, size_t offset) -> absl::Status {
        absl::StatusOr<WalCommit> commit =
            DecodeCommit(static_cast<FrameType>(frame.type), frame.payload);
        if (!commit.ok()) {
          return framing::LogCorruption(kLabel, path, offset,
                                        std::string(commit.status().message()));
        }
        if (commit->stamp.revision <= result->max_revision) {
          return framing::LogCorruption(
              kLabel, path, offset,
              absl::StrFormat("revision %d does not follow %d",
                              commit->stamp.revision, result->max_revision));
        }
        result->max_revision = commit->stamp.revision;
        ++result->commits_replayed;
        return apply(std::move(*commit));
      });
  if (!replay.ok()) return replay.status();
  if (replay->torn_bytes > 0) {
    result->truncated_bytes = replay->torn_bytes;
    logger->warn("WAL {}: {} at offset {}; dropping the torn tail of {} bytes",
                 path, replay->torn_reason, replay->valid_bytes,
                 replay->torn_bytes);
    absl::Status status = file->Truncate(replay->valid_bytes);
    if (status.ok()) status = file->DataSync();
    if (!status.ok()) return status;
  }
  return replay->valid_bytes;
}

}  // namespace

absl::StatusOr<RecoveryResult> RecoverLog(
    FileSystem* file_system, spdlog::logger* logger, const std::string& wal_dir,
    const std::function<absl::Status(WalCommit)>& apply) {
  absl::Status status = file_system->CreateDirectories(wal_dir);
  if (!status.ok()) return status;
  absl::StatusOr<std::vector<std::string>> names =
      file_system->ListDirectory(wal_dir);
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
    absl::StatusOr<uint64_t> end =
        ReplaySegment(file_system, logger, path, is_last, &result, apply);
    if (!end.ok()) return end.status();
    result.last_segment = numbers[i];
    result.end_offset = *end;
    result.segment_max_revision[numbers[i]] = result.max_revision;
  }
  result.segments = numbers.size();
  return result;
}

}  // namespace infinitedb::wal
