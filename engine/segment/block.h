// One data block of a segment, verified and ready to search: the block's
// bytes (segment_format.h) with its record offsets. Immutable and shared
// between readers through the block cache.
#ifndef INFINITEDB_ENGINE_SEGMENT_BLOCK_H_
#define INFINITEDB_ENGINE_SEGMENT_BLOCK_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/db/types.h"

namespace infinitedb::segment {

class Block {
 public:
  // Checks the checksum and that every record lies inside the block and
  // decodes; DataLoss naming `path` and the block otherwise.
  static absl::StatusOr<std::shared_ptr<const Block>> Parse(
      std::string bytes, const std::string& path, uint32_t block_index);

  uint32_t record_count() const { return record_count_; }
  RecordView record(uint32_t i) const;
  // Index of the first record whose key is >= `key` (record_count() if none).
  uint32_t LowerBound(std::string_view key) const;
  size_t size_bytes() const { return bytes_.size(); }

 private:
  Block(std::string bytes, uint32_t record_count, size_t offsets_at)
      : bytes_(std::move(bytes)),
        record_count_(record_count),
        offsets_at_(offsets_at) {}
  uint32_t RecordOffset(uint32_t i) const;

  const std::string bytes_;
  const uint32_t record_count_;
  const size_t offsets_at_;
};

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_BLOCK_H_
