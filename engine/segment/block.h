// One data block of a segment, verified, decompressed and ready to search:
// the block's contents (segment_format.h) with its record offsets. Immutable
// and shared between readers through the block cache.
#ifndef INFINITEDB_ENGINE_SEGMENT_BLOCK_H_
#define INFINITEDB_ENGINE_SEGMENT_BLOCK_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/types.h"

namespace infinitedb::segment {

class Block {
 public:
  // Checks the checksum of the block as stored (in a segment of
  // `format_version`), decompresses it, and checks that every record lies
  // inside the block and decodes; DataLoss naming `path` and the block
  // otherwise.
  static absl::StatusOr<std::shared_ptr<const Block>> Parse(
      std::string stored, const std::string& path, uint32_t block_index,
      uint32_t format_version);

  // Records are grouped in runs of kRunRecords consecutive ones, each with
  // the bounding box of its points (computed when the block is parsed), so
  // a box query skips the runs of a block that cannot match.
  static constexpr uint32_t kRunRecords = 32;

  uint32_t record_count() const { return record_count_; }
  uint32_t run_count() const {
    return (record_count_ + kRunRecords - 1) / kRunRecords;
  }
  // Whether some point of run `run` may lie in `box` / all of them do.
  bool RunIntersects(uint32_t run, const Box& box) const;
  bool RunInside(uint32_t run, const Box& box) const;
  RecordView record(uint32_t i) const;
  // The coordinates of record `i` (dims uint32, little-endian).
  const char* record_coordinates(uint32_t i) const;
  int dims() const { return dims_; }
  // Index of the first record whose key is >= `key` (record_count() if none).
  uint32_t LowerBound(std::string_view key) const;
  // Bytes of the decompressed contents.
  size_t size_bytes() const { return bytes_.size(); }

 private:
  Block(std::string bytes, uint32_t record_count, size_t offsets_at, int dims,
        std::vector<uint32_t> run_bounds)
      : bytes_(std::move(bytes)),
        record_count_(record_count),
        offsets_at_(offsets_at),
        dims_(dims),
        run_bounds_(std::move(run_bounds)) {}
  uint32_t RecordOffset(uint32_t i) const;
  // A format-1 block's contents (version records as stored), each record
  // checked; `corrupt` makes the error.
  static absl::StatusOr<std::shared_ptr<const Block>> ParseVersionRecords(
      std::string bytes,
      const std::function<absl::Status(std::string_view)>& corrupt);

  const std::string bytes_;
  const uint32_t record_count_;
  const size_t offsets_at_;
  const int dims_;
  // Per run: dims minima, then dims maxima.
  const std::vector<uint32_t> run_bounds_;
};

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_BLOCK_H_
