// The key of a point within its space (the part of the internal key after
// branch and space), and the key ranges that cover a box.
//
// A space id's top 4 bits are the number of trailing axes its keys order by
// value: the key is the Hilbert key of the other axes (engine/hilbert), then
// each trailing axis as a big-endian uint32. User spaces have none (the key
// is the Hilbert key of the whole point). The graph's index spaces have
// some: an endpoint index entry is the endpoint's point followed by the edge
// id's two halves, so every entry of one point is one contiguous key range
// in edge id order, and a box of points is still a set of Hilbert ranges.
// With no curve axes at all the key is the point in lexicographic order.
//
// Either way the key is 4 bytes per axis and a bijection of the point.
#ifndef INFINITEDB_ENGINE_MVCC_POINT_KEY_H_
#define INFINITEDB_ENGINE_MVCC_POINT_KEY_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hilbert/hilbert.h"
#include "engine/public/types.h"

namespace infinitedb::mvcc {

inline constexpr int kOrderedAxesShift = 28;
inline constexpr uint32_t kSpaceSerialMask = (1u << kOrderedAxesShift) - 1;

// How many trailing axes the keys of space `space_id` order by value.
inline int OrderedAxes(uint32_t space_id) {
  return static_cast<int>(space_id >> kOrderedAxesShift);
}
inline uint32_t SpaceIdWith(uint32_t serial, int ordered_axes) {
  return (static_cast<uint32_t>(ordered_axes) << kOrderedAxesShift) | serial;
}

// Writes the 4 * point.size() key bytes of `point` in space `space_id`.
void EncodePointKey(uint32_t space_id, std::span<const uint32_t> point,
                    char* out);
std::string PointKey(uint32_t space_id, std::span<const uint32_t> point);

// At most about `max_ranges` sorted, disjoint key ranges whose union holds
// the key of every point of `box` in space `space_id` (and maybe others:
// callers filter by the box).
std::vector<hilbert::KeyRange> KeyRangesCovering(uint32_t space_id,
                                                 const Box& box,
                                                 size_t max_ranges);

// Drops every key <= `last` from the sorted, disjoint key ranges (what a
// read that resumes after `last` still visits).
void DropKeysThrough(std::string_view last,
                     std::vector<hilbert::KeyRange>* ranges);

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_POINT_KEY_H_
