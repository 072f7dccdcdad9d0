#include "engine/segment/segment_iterator.h"

#include <algorithm>

#include "engine/common/coding.h"

namespace infinitedb::segment {

SegmentIterator::SegmentIterator(std::shared_ptr<const SegmentReader> reader,
                                 std::vector<uint32_t> candidates,
                                 std::optional<Box> box)
    : reader_(std::move(reader)),
      candidates_(std::move(candidates)),
      box_(std::move(box)) {}

uint32_t SegmentIterator::NextInBox(const Block& block, uint32_t position) {
  const Box& box = *box_;
  const uint32_t count = block.record_count();
  while (position < count) {
    uint32_t run = position / Block::kRunRecords;
    uint32_t run_end = std::min(count, (run + 1) * Block::kRunRecords);
    if (!block.RunIntersects(run, box)) {
      position = run_end;
      continue;
    }
    if (block.RunInside(run, box)) {
      inside_until_ = run_end;  // the rest of this run needs no checks
      return position;
    }
    const int dims = block.dims();
    for (; position < run_end; ++position) {
      const char* coordinates = block.record_coordinates(position);
      bool inside = true;
      for (int a = 0; a < dims && inside; ++a) {
        uint32_t c = DecodeFixed32(coordinates + 4 * a);
        inside = c >= box.min[a] && c <= box.max[a];
      }
      if (inside) return position;
    }
  }
  return count;
}

const Block* SegmentIterator::LoadCandidate(size_t c, size_t window) {
  if (c >= window_start_ && c < window_start_ + window_.size()) {
    return window_[c - window_start_].get();
  }
  size_t end = std::min(candidates_.size(), c + window);
  auto blocks = reader_->ReadBlocks(
      std::span<const uint32_t>(candidates_.data() + c, end - c));
  if (!blocks.ok()) {
    status_ = blocks.status();
    window_.clear();
    return nullptr;
  }
  window_ = std::move(*blocks);
  window_start_ = c;
  return window_[0].get();
}

void SegmentIterator::Position(size_t c, uint32_t position) {
  block_ = nullptr;
  while (status_.ok() && c < candidates_.size()) {
    const Block* block = LoadCandidate(c);
    if (block == nullptr) return;
    inside_until_ = 0;
    if (box_) position = NextInBox(*block, position);
    if (position < block->record_count()) {
      candidate_ = c;
      block_ = block;
      position_ = position;
      view_ = block->record(position);
      return;
    }
    ++c;
    position = 0;
  }
}

void SegmentIterator::Seek(std::string_view internal_key) {
  SeekWithin(internal_key, {});
}

void SegmentIterator::SeekWithin(std::string_view internal_key,
                                 std::string_view last) {
  const auto& blocks = reader_->index().blocks;
  size_t c = std::partition_point(candidates_.begin(), candidates_.end(),
                                  [&](uint32_t b) {
                                    return blocks[b].last_key < internal_key;
                                  }) -
             candidates_.begin();
  if (c >= candidates_.size() ||
      (!last.empty() &&
       std::string_view(blocks[candidates_[c]].first_key) > last)) {
    block_ = nullptr;
    return;
  }
  // A bounded read needs only the blocks that start by `last`.
  size_t window = kWindowBlocks;
  if (!last.empty()) {
    window = 1;
    while (c + window < candidates_.size() && window < kWindowBlocks &&
           std::string_view(blocks[candidates_[c + window]].first_key) <=
               last) {
      ++window;
    }
  }
  const Block* block = LoadCandidate(c, window);
  if (block == nullptr) {
    block_ = nullptr;
    return;
  }
  Position(c, block->LowerBound(internal_key));
}

void SegmentIterator::Next() {
  // Fast path: the next record of the current block, without reloading it.
  uint32_t position = position_ + 1;
  if (position < inside_until_) {
    position_ = position;
    view_ = block_->record(position);
    return;
  }
  if (box_ && position < block_->record_count()) {
    position = NextInBox(*block_, position);
  }
  if (position < block_->record_count()) {
    position_ = position;
    view_ = block_->record(position);
    return;
  }
  Position(candidate_ + 1, 0);
}

}  // namespace infinitedb::segment
