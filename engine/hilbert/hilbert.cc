// Encode and Decode: Skilling's Hilbert transform and the bit interleave that
// turns its transposed index into a memcmp-ordered key. For dims <= 3 the
// same mapping runs as a table-driven state machine (orientation.h), one
// lookup per level, because Skilling's loop is a serial chain of 32 * dims
// dependent steps: 300 ns and more where the tables take under 100 ns.
// CoveringRanges lives in covering_ranges.cc.
#include "engine/hilbert/hilbert.h"

#include <cassert>
#include <cstring>

#include "engine/hilbert/orientation.h"

namespace infinitedb::hilbert {
namespace {

// Skilling's AxesToTranspose for b = 32 bits, in place. The branches of the
// original are replaced by masks: the bit tested is a coordinate bit, so the
// branch would be unpredictable and cost more than both arms.
void AxesToTranspose(uint32_t* x, int dims) {
  for (int bit = kBitsPerAxis - 1; bit >= 1; --bit) {
    const uint32_t p = (uint32_t{1} << bit) - 1;  // Skilling's P = Q - 1.
    for (int i = 0; i < dims; ++i) {
      // `set` is all ones when bit Q of x[i] is set: then invert the low bits
      // of x[0]; otherwise exchange the low bits of x[0] and x[i].
      const uint32_t set = uint32_t{0} - ((x[i] >> bit) & 1);
      const uint32_t t = (x[0] ^ x[i]) & p & ~set;
      x[0] ^= (p & set) ^ t;
      x[i] ^= t;
    }
  }
  // Gray encode.
  for (int i = 1; i < dims; ++i) x[i] ^= x[i - 1];
  // t = XOR of (q - 1) over the set bits q > 1 of x[dims-1]: bit j of t is the
  // parity of the bits of x[dims-1] above j, a prefix XOR.
  uint32_t t = x[dims - 1] >> 1;
  t ^= t >> 1;
  t ^= t >> 2;
  t ^= t >> 4;
  t ^= t >> 8;
  t ^= t >> 16;
  for (int i = 0; i < dims; ++i) x[i] ^= t;
}

// Skilling's TransposeToAxes for b = 32 bits, in place; inverse of the above.
void TransposeToAxes(uint32_t* x, int dims) {
  // Gray decode by H ^ (H / 2).
  const uint32_t t = x[dims - 1] >> 1;
  for (int i = dims - 1; i > 0; --i) x[i] ^= x[i - 1];
  x[0] ^= t;
  // Undo excess work.
  for (int bit = 1; bit < kBitsPerAxis; ++bit) {
    const uint32_t p = (uint32_t{1} << bit) - 1;
    for (int i = dims - 1; i >= 0; --i) {
      const uint32_t set = uint32_t{0} - ((x[i] >> bit) & 1);
      const uint32_t t = (x[0] ^ x[i]) & p & ~set;
      x[0] ^= (p & set) ^ t;
      x[i] ^= t;
    }
  }
}

// Writes the bit planes of x, most significant plane first, each plane as
// `dims` bits with x[0] first. Bits stream through a 64-bit accumulator that
// is flushed a byte at a time, so no plane straddling logic is needed.
void Interleave(const uint32_t* x, int dims, uint8_t* key) {
  uint64_t acc = 0;
  int acc_bits = 0;
  for (int bit = kBitsPerAxis - 1; bit >= 0; --bit) {
    uint32_t plane = 0;
    for (int i = 0; i < dims; ++i) plane = (plane << 1) | ((x[i] >> bit) & 1);
    acc = (acc << dims) | plane;
    acc_bits += dims;
    while (acc_bits >= 8) {
      acc_bits -= 8;
      *key++ = static_cast<uint8_t>(acc >> acc_bits);
    }
  }
}

// Inverse of Interleave.
void Deinterleave(const uint8_t* key, int dims, uint32_t* x) {
  for (int i = 0; i < dims; ++i) x[i] = 0;
  uint64_t acc = 0;
  int acc_bits = 0;
  const uint32_t plane_mask = (uint32_t{1} << dims) - 1;
  for (int bit = kBitsPerAxis - 1; bit >= 0; --bit) {
    while (acc_bits < dims) {
      acc = (acc << 8) | *key++;
      acc_bits += 8;
    }
    acc_bits -= dims;
    const uint32_t plane = static_cast<uint32_t>(acc >> acc_bits) & plane_mask;
    for (int i = 0; i < dims; ++i) {
      x[i] |= ((plane >> (dims - 1 - i)) & 1) << bit;
    }
  }
}

using internal::kStepTable;

// The levels are walked in two halves of 16 so that one half's digits
// (16 * kDims <= 48 bits) fit in a 64-bit accumulator.
constexpr int kLevelsPerHalf = kBitsPerAxis / 2;

template <int kDims>
void EncodeByTable(const uint32_t* point, uint8_t* key) {
  constexpr int kHalfBytes = kLevelsPerHalf * kDims / 8;
  uint32_t state = 0;
  for (int half = 0; half < 2; ++half) {
    uint64_t digits = 0;
    for (int level = 0; level < kLevelsPerHalf; ++level) {
      const int bit = kBitsPerAxis - 1 - half * kLevelsPerHalf - level;
      uint32_t halves = 0;
      for (int j = 0; j < kDims; ++j) halves |= ((point[j] >> bit) & 1) << j;
      const uint16_t entry = kStepTable<kDims>.encode[state << kDims | halves];
      digits = (digits << kDims) | (entry & 0xFF);
      state = entry >> 8;
    }
    for (int i = 0; i < kHalfBytes; ++i) {
      *key++ = static_cast<uint8_t>(digits >> (8 * (kHalfBytes - 1 - i)));
    }
  }
}

template <int kDims>
void DecodeByTable(const uint8_t* key, uint32_t* point) {
  constexpr int kHalfBytes = kLevelsPerHalf * kDims / 8;
  constexpr uint32_t kDigitMask = (1u << kDims) - 1;
  // Coordinates accumulate in locals: stores through `point` could alias
  // `key` (uint8_t aliases everything) and would stay in memory.
  uint32_t x[kDims] = {};
  uint32_t state = 0;
  for (int half = 0; half < 2; ++half) {
    uint64_t digits = 0;
    for (int i = 0; i < kHalfBytes; ++i) digits = (digits << 8) | *key++;
    for (int level = 0; level < kLevelsPerHalf; ++level) {
      const int shift = kDims * (kLevelsPerHalf - 1 - level);
      const uint32_t digit =
          static_cast<uint32_t>(digits >> shift) & kDigitMask;
      const uint16_t entry = kStepTable<kDims>.decode[state << kDims | digit];
      for (int j = 0; j < kDims; ++j) x[j] = (x[j] << 1) | ((entry >> j) & 1);
      state = entry >> 8;
    }
  }
  for (int j = 0; j < kDims; ++j) point[j] = x[j];
}

}  // namespace

void Encode(const uint32_t* point, int dims, uint8_t* key_out) {
  assert(dims >= 1 && dims <= kMaxDims);
  switch (dims) {
    case 1:  // The one-dimensional curve is the identity.
      for (int i = 0; i < 4; ++i) key_out[i] = point[0] >> (24 - 8 * i);
      return;
    case 2:
      return EncodeByTable<2>(point, key_out);
    case 3:
      return EncodeByTable<3>(point, key_out);
  }
  uint32_t x[kMaxDims];
  std::memcpy(x, point, sizeof(uint32_t) * dims);
  AxesToTranspose(x, dims);
  Interleave(x, dims, key_out);
}

void Decode(const uint8_t* key, int dims, uint32_t* point_out) {
  assert(dims >= 1 && dims <= kMaxDims);
  switch (dims) {
    case 1:
      point_out[0] = uint32_t{key[0]} << 24 | uint32_t{key[1]} << 16 |
                     uint32_t{key[2]} << 8 | key[3];
      return;
    case 2:
      return DecodeByTable<2>(key, point_out);
    case 3:
      return DecodeByTable<3>(key, point_out);
  }
  uint32_t x[kMaxDims];
  Deinterleave(key, dims, x);
  TransposeToAxes(x, dims);
  std::memcpy(point_out, x, sizeof(uint32_t) * dims);
}

std::string EncodeToString(std::span<const uint32_t> point) {
  const int dims = static_cast<int>(point.size());
  std::string key(KeyBytes(dims), '\0');
  Encode(point.data(), dims, reinterpret_cast<uint8_t*>(key.data()));
  return key;
}

}  // namespace infinitedb::hilbert
