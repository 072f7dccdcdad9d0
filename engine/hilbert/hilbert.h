// The N-dimensional Hilbert curve that orders records on disk.
//
// A point has `dims` coordinates (1 <= dims <= kMaxDims), each a full uint32.
// Its Hilbert key is the point's index along the curve that visits every cell
// of the [0, 2^32)^dims grid, written so that memcmp order of keys is curve
// order. Keys are stored on disk, so this mapping is frozen: changing it
// reorders every existing table.
//
// Key layout (KeyBytes(dims) = 4 * dims bytes, big-endian bit string):
//
//   The curve is Skilling's ("Programming the Hilbert curve", AIP Conf. Proc.
//   707, 2004). AxesToTranspose turns the point into the "transposed" index
//   X[0..dims-1]; the key interleaves its bits from most significant down:
//
//     key bit 0 (MSB of byte 0) = bit 31 of X[0]
//     key bit 1                 = bit 31 of X[1]
//     ...
//     key bit dims-1            = bit 31 of X[dims-1]
//     key bit dims              = bit 30 of X[0]
//     ...
//     key bit 32*dims-1 (LSB)   = bit 0 of X[dims-1]
//
//   Worked example, dims = 2: the curve starts at (0, 0), key 00 00 00 00 00
//   00 00 00; it goes on to (1, 0), key ...00 01; then (1, 1), key ...00 02;
//   then (0, 1), key ...00 03; then (0, 2), key ...00 04. It ends at
//   (0xFFFFFFFF, 0), key FF FF FF FF FF FF FF FF.
//
// Each group of `dims` key bits (a "digit") picks one of the 2^dims children
// of a cell, so the keys of a cell of side 2^s form one contiguous range: the
// cell's key prefix followed by all zeros up to all ones. CoveringRanges uses
// this to turn a query box into a few key ranges.
//
// Every function here is pure and thread-safe.
#ifndef INFINITEDB_ENGINE_HILBERT_HILBERT_H_
#define INFINITEDB_ENGINE_HILBERT_HILBERT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace infinitedb::hilbert {

// Frozen: part of the on-disk key format.
inline constexpr int kMaxDims = 16;
inline constexpr int kBitsPerAxis = 32;

// Size of the key of a point with `dims` coordinates.
inline constexpr size_t KeyBytes(int dims) { return 4 * dims; }

static_assert(KeyBytes(1) * 8 == kBitsPerAxis, "one uint32 axis per 4 bytes");
static_assert(KeyBytes(kMaxDims) == 64, "largest key is 64 bytes");

// Writes the Hilbert key of `point[0..dims-1]` to
// `key_out[0..KeyBytes(dims)-1]`. Requires 1 <= dims <= kMaxDims. Does not
// allocate.
void Encode(const uint32_t* point, int dims, uint8_t* key_out);

// Exact inverse of Encode: reads KeyBytes(dims) bytes from `key` and writes
// the `dims` coordinates of the point to `point_out`. Every byte string of
// that length is a valid key. Requires 1 <= dims <= kMaxDims.
void Decode(const uint8_t* key, int dims, uint32_t* point_out);

// Encode into a new string of KeyBytes(point.size()) bytes.
// Requires 1 <= point.size() <= kMaxDims.
std::string EncodeToString(std::span<const uint32_t> point);

// An inclusive range of keys; both ends are KeyBytes(dims) bytes long.
struct KeyRange {
  std::string first;
  std::string last;
};

// Returns key ranges whose union contains the key of every point of the
// inclusive box [box_min, box_max]. The union may also contain keys of points
// outside the box (callers filter the points they read); a larger max_ranges
// generally makes it tighter, and for dims = 1 it is exact. The ranges are
// sorted by key, pairwise disjoint and never adjacent (adjacent ranges are
// merged), and there are at most max(max_ranges, 1) of them. Typical cost:
// tens of microseconds for dims 2 or 3 and max_ranges up to 256.
//
// The work done is bounded for every dims (see kMaxWork in
// covering_ranges.cc): when a box is expensive to refine, notably with many
// dimensions, the result is coarser, down to the single range covering the
// whole key space.
//
// Requires box_min.size() == box_max.size() in [1, kMaxDims] and
// box_min[i] <= box_max[i] for every i; the caller validates its input.
std::vector<KeyRange> CoveringRanges(std::span<const uint32_t> box_min,
                                     std::span<const uint32_t> box_max,
                                     size_t max_ranges);

}  // namespace infinitedb::hilbert

#endif  // INFINITEDB_ENGINE_HILBERT_HILBERT_H_
