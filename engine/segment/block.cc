#include "engine/segment/block.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/common/crc32c.h"
#include "engine/common/key_compare.h"
#include "engine/mvcc/version_record.h"
#include "engine/segment/block_codec.h"
#include "engine/segment/segment_format.h"
#include "engine/segment/stored_record.h"

namespace infinitedb::segment {
namespace {

// Far above any real block (kTargetBlockBytes plus one record), so that a
// damaged size cannot make the reader allocate without bound.
constexpr size_t kMaxContentsBytes = size_t{1} << 30;

}  // namespace

absl::StatusOr<std::shared_ptr<const Block>> Block::Parse(
    std::string stored, const std::string& path, uint32_t block_index,
    uint32_t format_version) {
  auto corrupt = [&](std::string_view what) {
    return absl::DataLossError(
        absl::StrFormat("segment %s, block %d: %s", path, block_index, what));
  };
  const size_t trailer = format_version == 1 ? 4 : kBlockTrailerBytes;
  if (stored.size() < trailer) return corrupt("block is short");
  size_t crc_at = stored.size() - 4;
  if (crc32c::Value(std::string_view(stored.data(), crc_at)) !=
      DecodeFixed32(stored.data() + crc_at)) {
    return corrupt("checksum mismatch");
  }
  if (format_version == 1) {
    stored.resize(crc_at);
    return ParseVersionRecords(std::move(stored), corrupt);
  }
  size_t payload_bytes = stored.size() - kBlockTrailerBytes;
  uint32_t raw_size = DecodeFixed32(stored.data() + payload_bytes);
  uint8_t codec = static_cast<uint8_t>(stored[payload_bytes + 4]);
  if (!IsBlockCodec(codec)) return corrupt("unknown compression codec");
  if (raw_size > kMaxContentsBytes) return corrupt("impossible size");
  std::string contents;
  if (!Decompress(static_cast<BlockCodec>(codec),
                  std::string_view(stored.data(), payload_bytes), raw_size,
                  &contents)) {
    return corrupt("contents do not decompress");
  }
  // The expansion checks every stored record and lays the version records
  // out itself: they need no second check.
  std::string bytes;
  std::vector<uint32_t> run_bounds;
  if (!ExpandStoredBlock(contents, &bytes, kRunRecords, &run_bounds)) {
    return corrupt("stored records are malformed");
  }
  const uint32_t record_count = DecodeFixed32(bytes.data() + bytes.size() - 4);
  const size_t offsets_at = bytes.size() - 4 - 4 * size_t{record_count};
  const int dims = static_cast<uint8_t>(contents[8]);
  return std::shared_ptr<const Block>(new Block(
      std::move(bytes), record_count, offsets_at, dims, std::move(run_bounds)));
}

absl::StatusOr<std::shared_ptr<const Block>> Block::ParseVersionRecords(
    std::string bytes,
    const std::function<absl::Status(std::string_view)>& corrupt) {
  if (bytes.size() < 4) return corrupt("block is short");
  uint32_t record_count = DecodeFixed32(bytes.data() + bytes.size() - 4);
  size_t records_end = bytes.size() - 4;
  if (record_count == 0 || records_end / 4 < record_count) {
    return corrupt("bad record count");
  }
  size_t offsets_at = records_end - 4 * size_t{record_count};
  // Records are back to back from offset 0; each must decode in bounds and
  // have the dimensions of the first.
  size_t expected_offset = 0;
  int dims = 0;
  std::vector<uint32_t> run_bounds;
  for (uint32_t i = 0; i < record_count; ++i) {
    uint32_t offset = DecodeFixed32(bytes.data() + offsets_at + 4 * i);
    RecordView view;
    size_t record_bytes = 0;
    if (offset != expected_offset ||
        !mvcc::DecodeVersionRecordChecked(
            bytes.data() + offset, offsets_at - offset, &view, &record_bytes)) {
      return corrupt(absl::StrFormat("record %d is malformed", i));
    }
    if (i == 0) dims = view.dims();
    if (view.dims() != dims) return corrupt("records of mixed dimensions");
    ExtendRunBounds(view.coordinates.data(), dims, i % kRunRecords == 0,
                    &run_bounds);
    expected_offset = offset + record_bytes;
  }
  if (expected_offset != offsets_at) return corrupt("records do not fill it");
  return std::shared_ptr<const Block>(new Block(
      std::move(bytes), record_count, offsets_at, dims, std::move(run_bounds)));
}

bool Block::RunIntersects(uint32_t run, const Box& box) const {
  const uint32_t* bounds = run_bounds_.data() + 2 * dims_ * run;
  for (int a = 0; a < dims_; ++a) {
    if (bounds[dims_ + a] < box.min[a] || bounds[a] > box.max[a]) return false;
  }
  return true;
}

bool Block::RunInside(uint32_t run, const Box& box) const {
  const uint32_t* bounds = run_bounds_.data() + 2 * dims_ * run;
  for (int a = 0; a < dims_; ++a) {
    if (bounds[a] < box.min[a] || bounds[dims_ + a] > box.max[a]) return false;
  }
  return true;
}

uint32_t Block::RecordOffset(uint32_t i) const {
  return DecodeFixed32(bytes_.data() + offsets_at_ + 4 * i);
}

const char* Block::record_coordinates(uint32_t i) const {
  return mvcc::VersionRecordCoordinates(bytes_.data() + RecordOffset(i));
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
    if (CompareKeys(mid_key, key) < 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

}  // namespace infinitedb::segment
