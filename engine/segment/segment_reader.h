// An open segment file: its index in memory, blocks read on demand with
// batched io_uring reads through the shared block cache. Thread-safe and
// immutable; shared by every snapshot that pins it.
#ifndef INFINITEDB_ENGINE_SEGMENT_SEGMENT_READER_H_
#define INFINITEDB_ENGINE_SEGMENT_SEGMENT_READER_H_

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/io/file.h"
#include "engine/mvcc/version_iterator.h"
#include "engine/segment/block_cache.h"
#include "engine/segment/segment_format.h"

namespace infinitedb::segment {

class SegmentReader : public std::enable_shared_from_this<SegmentReader> {
 public:
  // Opens and verifies footer and index. `expected_size` (from the
  // manifest) catches a truncated file; DataLoss names the file.
  static absl::StatusOr<std::shared_ptr<SegmentReader>> Open(
      FileSystem* file_system, const std::string& path, uint64_t file_number,
      uint64_t expected_size, BlockCache* cache);

  // Blocks that may hold versions whose key starts with `key_prefix`
  // (branch + space) and, if `box` is given, whose point lies in it, found
  // through the R-tree, and holding a version with a revision above
  // `newer_than`; ascending.
  std::vector<uint32_t> CandidateBlocks(std::string_view key_prefix,
                                        const Box* box,
                                        Revision newer_than = 0) const;

  // Blocks that may hold keys in [first, last] (internal keys), found by
  // the blocks' key ranges: what a point read needs, without the R-tree.
  std::vector<uint32_t> BlocksInKeyRange(std::string_view first,
                                         std::string_view last) const;

  // The block, from the cache or the file.
  absl::StatusOr<std::shared_ptr<const Block>> ReadBlock(uint32_t index) const;
  // The blocks, in the order asked: cached ones from the cache, the others
  // with one batch of io_uring reads (then cached).
  absl::StatusOr<std::vector<std::shared_ptr<const Block>>> ReadBlocks(
      std::span<const uint32_t> indices) const;

  // Iterates the versions of the given candidate blocks in key order,
  // skipping those outside `box` when one is given.
  std::unique_ptr<mvcc::VersionIterator> NewIterator(
      std::vector<uint32_t> candidates,
      std::optional<Box> box = std::nullopt) const;

  const SegmentIndex& index() const { return index_; }
  uint64_t file_number() const { return file_number_; }
  uint32_t space_id() const { return space_id_; }
  const std::string& path() const { return file_.path(); }
  uint64_t size_bytes() const { return size_bytes_; }
  uint32_t format_version() const { return format_version_; }

 private:
  SegmentReader(io::File file, uint64_t file_number, uint64_t size_bytes,
                uint32_t space_id, uint32_t format_version, SegmentIndex index,
                BlockCache* cache)
      : file_(std::move(file)),
        file_number_(file_number),
        size_bytes_(size_bytes),
        space_id_(space_id),
        format_version_(format_version),
        index_(std::move(index)),
        cache_(cache) {}
  // Adds to `out` the blocks in [first, end) under node `node` of `level`
  // (0 = blocks) whose MBR meets the box.
  void CollectBlocks(size_t level, size_t node, size_t first, size_t end,
                     const Box* box, std::vector<uint32_t>* out) const;

  const io::File file_;
  const uint64_t file_number_;
  const uint64_t size_bytes_;
  const uint32_t space_id_;
  const uint32_t format_version_;
  const SegmentIndex index_;
  BlockCache* const cache_;
};

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_SEGMENT_READER_H_
