#include "engine/wal/wal_change_reader.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/common/framing.h"

namespace infinitedb::wal {
namespace {

absl::Status Released(Revision after, Revision floor) {
  return absl::OutOfRangeError(absl::StrFormat(
      "after_revision: revision %d is older than the retained change log; "
      "the oldest revision a subscription can start after is %d",
      after, floor));
}

enum class SegmentEnd {
  kBatchFull,       // max_bytes collected
  kReachedVisible,  // the next frame is newer than `visible`
  kEndOfSegment,    // the segment's frames are all read
  kStopped,         // the newest segment's unfinished tail (a frame being
                    // written): stop without passing it
};

// A frame that does not parse: in the newest segment the one being written
// (past `visible`); anywhere else damage, which must not be skipped.
absl::StatusOr<SegmentEnd> UnreadableFrame(const WalSegmentSet& segments,
                                           uint64_t segment, uint64_t offset) {
  if (segments.IsNewest(segment)) return SegmentEnd::kStopped;
  return absl::DataLossError(
      absl::StrFormat("WAL %s offset %d: damaged or truncated frame",
                      SegmentFileName(segment), offset));
}

// Reads one segment from `offset`, appending commits in (after, visible].
absl::StatusOr<SegmentEnd> ReadSegment(const WalSegmentSet& segments,
                                       uint64_t segment, Revision visible,
                                       size_t max_bytes, size_t* bytes,
                                       ChangeLogBatch* batch) {
  absl::StatusOr<io::File> file = segments.OpenForRead(segment);
  if (absl::IsNotFound(file.status())) {
    return Released(batch->next.after, segments.floor());
  }
  if (!file.ok()) return file.status();
  const size_t chunk_bytes =
      std::clamp<size_t>(2 * max_bytes, 64 << 10, 8 << 20);
  size_t want = chunk_bytes;
  while (true) {
    uint64_t offset = batch->next.offset;
    bool grow = false;
    absl::StatusOr<std::string> chunk = file->ReadAt(offset, want);
    if (!chunk.ok()) return chunk.status();
    if (chunk->empty()) return SegmentEnd::kEndOfSegment;
    size_t pos = 0;
    while (true) {
      framing::ParsedFrame frame;
      framing::ParseResult result = framing::ParseFrame(*chunk, pos, &frame);
      if (result == framing::ParseResult::kOk) {
        // The revision leads the commit header: skipped commits are never
        // decoded.
        if (frame.payload.size() < kCommitHeaderBytes) {
          return absl::DataLossError(
              absl::StrFormat("WAL %s offset %d: commit header is short",
                              SegmentFileName(segment), offset + pos));
        }
        Revision revision = DecodeFixed64(frame.payload.data());
        if (revision > visible) return SegmentEnd::kReachedVisible;
        bool wanted = revision > batch->next.after;
        // A commit that would overflow a non-empty batch starts the next.
        if (wanted && *bytes > 0 && *bytes + frame.payload.size() > max_bytes) {
          return SegmentEnd::kBatchFull;
        }
        if (!wanted) {
          pos += frame.frame_bytes;
          batch->next.offset = offset + pos;
          continue;
        }
        absl::StatusOr<WalCommit> commit =
            DecodeCommit(static_cast<FrameType>(frame.type), frame.payload);
        if (!commit.ok()) {
          return absl::DataLossError(
              absl::StrFormat("WAL %s offset %d: %s", SegmentFileName(segment),
                              offset + pos, commit.status().message()));
        }
        pos += frame.frame_bytes;
        batch->next.offset = offset + pos;
        batch->next.after = revision;
        *bytes += frame.payload.size();
        batch->commits.push_back(std::move(*commit));
        if (*bytes >= max_bytes) return SegmentEnd::kBatchFull;
        continue;
      }
      if (result == framing::ParseResult::kEndOfData) break;
      if (result == framing::ParseResult::kTruncated && pos == 0 &&
          chunk->size() == want && chunk->size() >= framing::kHeaderBytes) {
        // A frame larger than the chunk: read it whole.
        want = framing::kHeaderBytes + DecodeFixed32(chunk->data() + 4);
        grow = true;
        break;
      }
      if (result == framing::ParseResult::kTruncated && pos > 0) break;
      return UnreadableFrame(segments, segment, offset + pos);
    }
    if (pos == 0 && !grow) return UnreadableFrame(segments, segment, offset);
    if (pos > 0) want = chunk_bytes;
  }
}

}  // namespace

absl::StatusOr<ChangeLogBatch> ReadChangeLog(const WalSegmentSet& segments,
                                             ChangeLogPosition from,
                                             Revision visible,
                                             size_t max_bytes) {
  ChangeLogBatch batch;
  batch.next = from;
  // The floor and the list are read together: a release after this shows
  // up as NotFound when a listed segment is opened.
  Revision floor = 0;
  std::vector<uint64_t> list = segments.SegmentsAfter(from.after, &floor);
  if (from.after < floor) return Released(from.after, floor);
  if (from.after >= visible) return batch;
  auto start = list.begin();
  if (from.segment != 0) {
    start = std::find(list.begin(), list.end(), from.segment);
  }
  if (start == list.end()) {  // no usable position: scan from the start
    start = list.begin();
    batch.next.segment = 0;
  }
  size_t bytes = 0;
  SegmentEnd end = SegmentEnd::kEndOfSegment;
  for (auto it = start; it != list.end(); ++it) {
    if (*it != batch.next.segment) {
      batch.next.segment = *it;
      batch.next.offset = 0;
    }
    absl::StatusOr<SegmentEnd> read =
        ReadSegment(segments, *it, visible, max_bytes, &bytes, &batch);
    if (!read.ok()) return read.status();
    end = *read;
    if (end != SegmentEnd::kEndOfSegment) break;
  }
  // Every frame up to `visible` was considered: revisions without a frame
  // (never committed) are passed too.
  if (end == SegmentEnd::kEndOfSegment || end == SegmentEnd::kReachedVisible) {
    batch.next.after = std::max(batch.next.after, visible);
  }
  return batch;
}

}  // namespace infinitedb::wal
