// Hilbert keys of points, for applications that keep points in a store of
// their own ordered by key (the benchmark's RocksDB peer does): the same
// full-precision curve the engine orders its records by
// (engine/hilbert/hilbert.h has the key layout). Pure and thread-safe.
#ifndef INFINITEDB_ENGINE_PUBLIC_HILBERT_KEYS_H_
#define INFINITEDB_ENGINE_PUBLIC_HILBERT_KEYS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/public/types.h"

namespace infinitedb {

// The key of `point` (1 to kMaxDims coordinates): 4 bytes per axis, whose
// memcmp order is the order along the curve.
std::string HilbertKey(const Point& point);

// Writes the point of `key` into `point`, whose size is the number of
// dimensions; `key` holds 4 bytes per dimension (every such string is a
// key). Writes into the caller's buffer so that a scan does not allocate.
void DecodeHilbertKey(std::string_view key, std::span<uint32_t> point);

// An inclusive range of keys.
struct HilbertKeyRange {
  std::string first;
  std::string last;
};

// At most `max_ranges` sorted, disjoint key ranges whose union holds the key
// of every point of `box` (and maybe some outside it: filter what you read).
// The box must be valid: min and max of one size in [1, kMaxDims], min <= max
// on every axis.
std::vector<HilbertKeyRange> HilbertRangesCovering(const Box& box,
                                                   size_t max_ranges);

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_HILBERT_KEYS_H_
