#include "engine/mvcc/point_key.h"

#include <algorithm>

#include "engine/common/coding.h"

namespace infinitedb::mvcc {
namespace {

void EncodeOrdered(std::span<const uint32_t> axes, char* out) {
  for (uint32_t value : axes) {
    EncodeBigEndian32(value, out);
    out += 4;
  }
}

}  // namespace

void EncodePointKey(uint32_t space_id, std::span<const uint32_t> point,
                    char* out) {
  const int dims = static_cast<int>(point.size());
  const int ordered = std::min(OrderedAxes(space_id), dims);
  const int curve = dims - ordered;
  if (curve > 0) {
    hilbert::Encode(point.data(), curve, reinterpret_cast<uint8_t*>(out));
  }
  EncodeOrdered(point.subspan(curve), out + hilbert::KeyBytes(curve));
}

std::string PointKey(uint32_t space_id, std::span<const uint32_t> point) {
  std::string key(hilbert::KeyBytes(static_cast<int>(point.size())), '\0');
  EncodePointKey(space_id, point, key.data());
  return key;
}

std::vector<hilbert::KeyRange> KeyRangesCovering(uint32_t space_id,
                                                 const Box& box,
                                                 size_t max_ranges) {
  const int dims = static_cast<int>(box.min.size());
  const int ordered = std::min(OrderedAxes(space_id), dims);
  if (ordered == 0) {
    return hilbert::CoveringRanges(box.min, box.max, max_ranges);
  }
  const int curve = dims - ordered;
  const auto min = std::span<const uint32_t>(box.min);
  const auto max = std::span<const uint32_t>(box.max);
  if (std::equal(min.begin(), min.begin() + curve, max.begin())) {
    // One point of the curve (an endpoint's index entries): one range.
    std::string first(hilbert::KeyBytes(dims), '\0');
    std::string last(hilbert::KeyBytes(dims), '\0');
    EncodePointKey(space_id, min, first.data());
    EncodePointKey(space_id, max, last.data());
    return {{std::move(first), std::move(last)}};
  }
  std::string low(hilbert::KeyBytes(ordered), '\0');
  std::string high(hilbert::KeyBytes(ordered), '\0');
  EncodeOrdered(std::span<const uint32_t>(box.min).subspan(curve), low.data());
  EncodeOrdered(std::span<const uint32_t>(box.max).subspan(curve), high.data());
  if (curve == 0) return {{low, high}};
  std::vector<hilbert::KeyRange> ranges = hilbert::CoveringRanges(
      std::span<const uint32_t>(box.min).first(curve),
      std::span<const uint32_t>(box.max).first(curve), max_ranges);
  for (hilbert::KeyRange& range : ranges) {
    range.first += low;
    range.last += high;
  }
  return ranges;
}

void DropKeysThrough(std::string_view last,
                     std::vector<hilbert::KeyRange>* ranges) {
  std::string next(last);
  int i = static_cast<int>(next.size()) - 1;
  for (; i >= 0; --i) {
    if (static_cast<uint8_t>(next[i]) != 0xFF) {
      next[i] = static_cast<char>(static_cast<uint8_t>(next[i]) + 1);
      break;
    }
    next[i] = 0;
  }
  if (i < 0) {  // `last` was the very last key
    ranges->clear();
    return;
  }
  std::vector<hilbert::KeyRange> kept;
  for (hilbert::KeyRange& range : *ranges) {
    if (range.last < next) continue;
    if (range.first < next) range.first = next;
    kept.push_back(std::move(range));
  }
  *ranges = std::move(kept);
}

}  // namespace infinitedb::mvcc
