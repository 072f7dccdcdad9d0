// Writes one segment file (segment_format.h) from versions added in
// internal-key order: cuts blocks, compresses and checksums them, builds the
// block index and
// R-tree, and writes everything through io_uring, ending with an fsync of
// the file. The caller syncs the directory and records the segment in the
// manifest. Single-threaded.
#ifndef INFINITEDB_ENGINE_SEGMENT_SEGMENT_WRITER_H_
#define INFINITEDB_ENGINE_SEGMENT_SEGMENT_WRITER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/io/file.h"
#include "engine/segment/block_codec.h"
#include "engine/segment/segment_format.h"

namespace infinitedb::segment {

class SegmentWriter {
 public:
  // Blocks are compressed with `codec`.
  static absl::StatusOr<std::unique_ptr<SegmentWriter>> Create(
      FileSystem* file_system, const std::string& path, uint64_t file_number,
      uint32_t space_id, int dims, BlockCodec codec);
  // Removes the file unless Finish() succeeded.
  ~SegmentWriter();

  // Adds a version; keys must be strictly increasing and belong to
  // `space_id` with `dims` coordinates.
  absl::Status Add(const RecordView& version);

  // Writes the last block, the index and the footer, and fsyncs the file.
  absl::StatusOr<SegmentProperties> Finish();

  uint64_t record_count() const { return properties_.record_count; }

 private:
  SegmentWriter(io::File file, std::unique_ptr<IoRing> uring,
                uint64_t file_number, uint32_t space_id, int dims,
                BlockCodec codec);
  void FinishBlock();
  absl::Status WriteOut(bool final);

  io::File file_;
  std::unique_ptr<IoRing> uring_;
  const int dims_;
  const BlockCodec codec_;
  // kTargetBlockBytes, or kPointReadBlockBytes for spaces read by point.
  const size_t target_block_bytes_;
  SegmentProperties properties_;
  SegmentIndex index_;
  bool finished_ = false;

  // The contents of the block being built (stored_record.h).
  std::string block_;
  BlockEntry block_entry_;

  // Bytes of finished blocks not yet written; they start at file_bytes_.
  std::string pending_;
  uint64_t file_bytes_ = 0;
};

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_SEGMENT_WRITER_H_
