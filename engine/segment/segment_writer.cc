#include "engine/segment/segment_writer.h"

#include <cstring>

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/common/crc32c.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/point_key.h"
#include "engine/segment/stored_record.h"

namespace infinitedb::segment {
namespace {

// Finished blocks are written once this many bytes are pending.
constexpr size_t kWriteChunkBytes = 1 << 20;

}  // namespace

SegmentWriter::SegmentWriter(io::File file, std::unique_ptr<IoRing> uring,
                             uint64_t file_number, uint32_t space_id, int dims,
                             BlockCodec codec)
    : file_(std::move(file)),
      uring_(std::move(uring)),
      dims_(dims),
      codec_(codec),
      target_block_bytes_(mvcc::OrderedAxes(space_id) > 0 ? kPointReadBlockBytes
                                                          : kTargetBlockBytes) {
  properties_.file_number = file_number;
  properties_.space_id = space_id;
  properties_.min_revision = UINT64_MAX;
  index_.dims = dims;
}

absl::StatusOr<std::unique_ptr<SegmentWriter>> SegmentWriter::Create(
    FileSystem* file_system, const std::string& path, uint64_t file_number,
    uint32_t space_id, int dims, BlockCodec codec) {
  absl::StatusOr<io::File> file = file_system->Create(path);
  if (!file.ok()) return file.status();
  absl::StatusOr<std::unique_ptr<IoRing>> uring = file_system->NewRing(4);
  if (!uring.ok()) {
    (void)file_system->Remove(path);
    return uring.status();
  }
  return std::unique_ptr<SegmentWriter>(new SegmentWriter(
      std::move(*file), std::move(*uring), file_number, space_id, dims, codec));
}

SegmentWriter::~SegmentWriter() {
  if (!finished_) (void)file_.file_system()->Remove(file_.path());
}

absl::Status SegmentWriter::Add(const RecordView& version) {
  if (version.dims() != dims_ ||
      version.key.size() !=
          mvcc::kKeyPrefixBytes + 4 * dims_ + mvcc::kRevisionBytes ||
      DecodeBigEndian32(version.key.data() + 4) != properties_.space_id ||
      (!block_.empty() && version.key <= block_entry_.last_key) ||
      (block_.empty() && !index_.blocks.empty() &&
       version.key <= index_.blocks.back().last_key)) {
    return absl::InternalError(absl::StrFormat(
        "segment %s: versions out of order or of the wrong space",
        file_.path()));
  }
  // One branch per block: a block's key range then names a single branch.
  if (!block_.empty() &&
      (block_.size() >= target_block_bytes_ ||
       version.key.compare(0, mvcc::kKeyPrefixBytes, block_entry_.first_key, 0,
                           mvcc::kKeyPrefixBytes) != 0)) {
    FinishBlock();
    if (pending_.size() >= kWriteChunkBytes) {
      absl::Status status = WriteOut(/*final=*/false);
      if (!status.ok()) return status;
    }
  }
  if (block_.empty()) {
    block_entry_ = BlockEntry();
    block_entry_.first_key = std::string(version.key);
    block_entry_.mbr = Mbr::Empty(dims_);
    block_entry_.min_revision = UINT64_MAX;
    AppendStoredBlockHeader(DecodeBigEndian32(version.key.data()),
                            properties_.space_id, dims_, &block_);
  }
  AppendStoredRecord(version,
                     block_entry_.last_key.empty()
                         ? std::string_view()
                         : mvcc::KeyHilbert(block_entry_.last_key),
                     &block_);
  block_entry_.last_key = std::string(version.key);
  block_entry_.mbr.Extend(version);
  block_entry_.record_count++;
  block_entry_.min_revision =
      std::min(block_entry_.min_revision, version.stamp.revision);
  block_entry_.max_revision =
      std::max(block_entry_.max_revision, version.stamp.revision);
  properties_.record_count++;
  properties_.min_revision =
      std::min(properties_.min_revision, version.stamp.revision);
  properties_.max_revision =
      std::max(properties_.max_revision, version.stamp.revision);
  return absl::OkStatus();
}

void SegmentWriter::FinishBlock() {
  PutFixed32(&block_, block_entry_.record_count);
  // A block that does not get smaller is stored as it is.
  BlockCodec codec = BlockCodec::kNone;
  std::string compressed;
  if (codec_ != BlockCodec::kNone) {
    compressed = Compress(codec_, block_);
    if (!compressed.empty() && compressed.size() < block_.size()) {
      codec = codec_;
    }
  }
  size_t start = pending_.size();
  pending_ += codec == BlockCodec::kNone ? block_ : compressed;
  PutFixed32(&pending_, static_cast<uint32_t>(block_.size()));
  pending_.push_back(static_cast<char>(codec));
  PutFixed32(&pending_,
             crc32c::Value(std::string_view(pending_).substr(start)));
  block_entry_.offset = file_bytes_ + start;
  block_entry_.size = static_cast<uint32_t>(pending_.size() - start);
  index_.blocks.push_back(std::move(block_entry_));
  block_.clear();
}

absl::Status SegmentWriter::WriteOut(bool final) {
  iovec buffer{pending_.data(), pending_.size()};
  absl::Status status =
      uring_->WriteAt(file_, {&buffer, 1}, file_bytes_, /*data_sync=*/false);
  if (!status.ok()) return status;
  file_bytes_ += pending_.size();
  pending_.clear();
  if (final) return file_.Sync();
  return absl::OkStatus();
}

absl::StatusOr<SegmentProperties> SegmentWriter::Finish() {
  if (!block_.empty()) FinishBlock();
  BuildTreeLevels(&index_);
  std::string index = EncodeIndex(index_);
  Footer footer;
  footer.index_offset = file_bytes_ + pending_.size();
  footer.index_size = index.size();
  footer.index_crc32c = crc32c::Value(index);
  footer.space_id = properties_.space_id;
  pending_ += index;
  pending_ += EncodeFooter(footer);
  absl::Status status = WriteOut(/*final=*/true);
  if (!status.ok()) return status;
  finished_ = true;
  properties_.size_bytes = file_bytes_;
  properties_.block_count = static_cast<uint32_t>(index_.blocks.size());
  if (properties_.record_count == 0) properties_.min_revision = 0;
  return properties_;
}

}  // namespace infinitedb::segment
