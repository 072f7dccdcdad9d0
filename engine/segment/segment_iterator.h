// Iterates the versions of a segment's candidate blocks in key order: the
// segment's VersionIterator for the read path. Blocks are fetched a window
// at a time with batched io_uring reads through the block cache.
#ifndef INFINITEDB_ENGINE_SEGMENT_SEGMENT_ITERATOR_H_
#define INFINITEDB_ENGINE_SEGMENT_SEGMENT_ITERATOR_H_

#include <memory>
#include <optional>
#include <vector>

#include "engine/mvcc/version_iterator.h"
#include "engine/segment/segment_reader.h"

namespace infinitedb::segment {

class SegmentIterator : public mvcc::VersionIterator {
 public:
  // With a `box`, versions whose point lies outside it are skipped (whole
  // runs of a block at a time when their bounding box misses it).
  SegmentIterator(std::shared_ptr<const SegmentReader> reader,
                  std::vector<uint32_t> candidates, std::optional<Box> box);

  void Seek(std::string_view internal_key) override;
  // Reads no block when the first candidate block that could hold
  // `internal_key` starts after `last`.
  void SeekWithin(std::string_view internal_key,
                  std::string_view last) override;
  bool Valid() const override { return block_ != nullptr; }
  void Next() override;
  const RecordView& version() const override { return view_; }
  absl::Status status() const override { return status_; }

 private:
  // Most blocks read in one batch.
  static constexpr size_t kWindowBlocks = 64;

  // Makes candidate `c` current at record `position` (moving on to later
  // candidates when it is past the end); invalid at the end or on error.
  void Position(size_t c, uint32_t position);
  // Candidate `c`'s block, reading it with up to `window` - 1 candidates
  // after it when it is not in the current window.
  const Block* LoadCandidate(size_t c, size_t window = kWindowBlocks);
  // The first record at or after `position` inside box_ (record_count()
  // if none); notes in inside_until_ where a run wholly inside ends.
  uint32_t NextInBox(const Block& block, uint32_t position);

  const std::shared_ptr<const SegmentReader> reader_;
  const std::vector<uint32_t> candidates_;
  const std::optional<Box> box_;
  std::vector<std::shared_ptr<const Block>> window_;
  size_t window_start_ = 0;
  size_t candidate_ = 0;
  const Block* block_ = nullptr;
  uint32_t position_ = 0;
  // Records of the current block before this index are known to be inside
  // box_ (or there is no box: then it is the block's record count).
  uint32_t inside_until_ = 0;
  RecordView view_;
  absl::Status status_;
};

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_SEGMENT_ITERATOR_H_
