// The public Hilbert-key functions (engine/public/hilbert_keys.h) over the
// curve of hilbert.h.
#include "engine/public/hilbert_keys.h"

#include "engine/hilbert/hilbert.h"

namespace infinitedb {

std::string HilbertKey(const Point& point) {
  return hilbert::EncodeToString(point);
}

void DecodeHilbertKey(std::string_view key, std::span<uint32_t> point) {
  hilbert::Decode(reinterpret_cast<const uint8_t*>(key.data()),
                  static_cast<int>(point.size()), point.data());
}

std::vector<HilbertKeyRange> HilbertRangesCovering(const Box& box,
                                                   size_t max_ranges) {
  std::vector<HilbertKeyRange> ranges;
  for (hilbert::KeyRange& range :
       hilbert::CoveringRanges(box.min, box.max, max_ranges)) {
    ranges.push_back({std::move(range.first), std::move(range.last)});
  }
  return ranges;
}

}  // namespace infinitedb
