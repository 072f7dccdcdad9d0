#include "engine/segment/block.h"

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/common/crc32c.h"
#include "engine/mvcc/version_record.h"
#include "engine/segment/segment_format.h"

namespace infinitedb::segment {

absl::StatusOr<std::shared_ptr<const Block>> Block::Parse(
    std::string bytes, const std::string& path, uint32_t block_index) {
  auto corrupt = [&](std::string_view what) {
    return absl::DataLossError(
        absl::StrFormat("segment %s, block %d: %s", path, block_index, what));
  };
  if (bytes.size() < kBlockTrailerBytes) return corrupt("block is short");
  size_t crc_at = bytes.size() - 4;
  if (crc32c::Value(std::string_view(bytes.data(), crc_at)) !=
      DecodeFixed32(bytes.data() + crc_at)) {
    return corrupt("checksum mismatch");
  }
  uint32_t record_count = DecodeFixed32(bytes.data() + crc_at - 4);
  size_t records_end = crc_at - 4;
  if (record_count == 0 || records_end / 4 < record_count) {
    return corrupt("bad record count");
  }
  size_t offsets_at = records_end - 4 * size_t{record_count};
  // Records are back to back from offset 0; each must decode in bounds.
  size_t expected_offset = 0;
  for (uint32_t i = 0; i < record_count; ++i) {
    uint32_t offset = DecodeFixed32(bytes.data() + offsets_at + 4 * i);
    RecordView view;
    size_t record_bytes = 0;
    if (offset != expected_offset ||
        !mvcc::DecodeVersionRecordChecked(
            bytes.data() + offset, offsets_at - offset, &view, &record_bytes)) {
      return corrupt(absl::StrFormat("record %d is malformed", i));
    }
    expected_offset = offset + record_bytes;
  }
  if (expected_offset != offsets_at) return corrupt("records do not fill it");
  return std::shared_ptr<const Block>(
      new Block(std::move(bytes), record_count, offsets_at));
}

uint32_t Block::RecordOffset(uint32_t i) const {
  return DecodeFixed32(bytes_.data() + offsets_at_ + 4 * i);
}

RecordView Block::record(uint32_t i) const {
  return mvcc::DecodeVersionRecord(bytes_.data() + RecordOffset(i));
}

uint32_t Block::LowerBound(std::string_view key) const {
  uint32_t low = 0, high = record_count_;
  while (low < high) {
    uint32_t mid = low + (high - low) / 2;
    const char* record = bytes_.data() + RecordOffset(mid);
    std::string_view mid_key(record + 4, DecodeFixed32(record));
    if (mid_key < key) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

}  // namespace infinitedb::segment
