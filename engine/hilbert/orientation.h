// Internal to engine/hilbert: how the Hilbert curve is oriented inside a cell.
// Shared by the table-driven Encode/Decode for few dimensions and by
// CoveringRanges; not part of the public API.
//
// In Skilling's TransposeToAxes, the "undo excess work" step for bit Q only
// inverts bits below Q of X[0] or exchanges them between X[0] and X[i]. So
// the coordinate bits of one level are the Gray code of that level's key
// digit passed through the composition of the steps of all higher levels: a
// signed permutation of the axes, the cell's Orientation. Walking down the
// levels with it costs O(dims) per level and, for dims <= 3, reduces to one
// table lookup per level (StepTable).
//
// Bit conventions: a digit and its Gray code hold axis 0 in their most
// significant bit (bit dims-1), as in the key; a "halves" word holds axis j
// in bit j, set when the child lies in the upper half of its parent on axis j.
#ifndef INFINITEDB_ENGINE_HILBERT_ORIENTATION_H_
#define INFINITEDB_ENGINE_HILBERT_ORIENTATION_H_

#include <array>
#include <cstdint>
#include <utility>

#include "engine/hilbert/hilbert.h"

namespace infinitedb::hilbert::internal {

// Maps the Gray code g of a digit to halves: the child is in the upper half
// on axis j iff (bit of g for axis perm[j]) XOR (bit j of flip) is 1.
struct Orientation {
  std::array<uint8_t, kMaxDims> perm;
  uint32_t flip;

  friend constexpr bool operator==(const Orientation&,
                                   const Orientation&) = default;
};

constexpr Orientation IdentityOrientation() {
  Orientation o{};
  for (int j = 0; j < kMaxDims; ++j) o.perm[j] = static_cast<uint8_t>(j);
  return o;
}

// Skilling's step for one level, given the Gray code g of its digit, as a
// signed permutation; returns parent ∘ step, the orientation of the child.
constexpr Orientation ChildOrientation(const Orientation& parent, uint32_t g,
                                       int dims) {
  Orientation step = IdentityOrientation();
  for (int i = dims - 1; i >= 0; --i) {
    if ((g >> (dims - 1 - i)) & 1) {
      step.flip ^= 1;    // X[0] ^= P
    } else if (i > 0) {  // Exchange the low bits of X[0] and X[i].
      std::swap(step.perm[0], step.perm[i]);
      if (((step.flip >> i) ^ step.flip) & 1) step.flip ^= 1 | (1u << i);
    }
  }
  // Axes past dims keep the identity so that equal orientations compare equal.
  Orientation child = IdentityOrientation();
  for (int j = 0; j < dims; ++j) {
    const int k = parent.perm[j];
    child.perm[j] = step.perm[k];
    child.flip |= (((step.flip >> k) ^ (parent.flip >> j)) & 1) << j;
  }
  return child;
}

// Gray code of a digit: the key XOR the key shifted right by one bit, which
// brings the last bit of the previous digit into the first bit of this one.
constexpr uint32_t GrayCode(uint32_t digit, uint32_t previous_digit, int dims) {
  return digit ^ (digit >> 1) ^ ((previous_digit & 1) << (dims - 1));
}

// Inverse of GrayCode.
constexpr uint32_t DigitOfGray(uint32_t g, uint32_t previous_digit, int dims) {
  uint32_t x = g ^ ((previous_digit & 1) << (dims - 1));
  x ^= x >> 1;
  x ^= x >> 2;
  x ^= x >> 4;
  x ^= x >> 8;
  return x;
}

constexpr uint32_t HalvesOfGray(const Orientation& o, uint32_t g, int dims) {
  uint32_t halves = 0;
  for (int j = 0; j < dims; ++j) {
    halves |= (((g >> (dims - 1 - o.perm[j])) ^ (o.flip >> j)) & 1) << j;
  }
  return halves;
}

constexpr uint32_t GrayOfHalves(const Orientation& o, uint32_t halves,
                                int dims) {
  uint32_t g = 0;
  for (int j = 0; j < dims; ++j) {
    g |= (((halves >> j) ^ (o.flip >> j)) & 1) << (dims - 1 - o.perm[j]);
  }
  return g;
}

// One level of the curve as a finite-state machine, for few dimensions. A
// state is an orientation plus the last bit of the previous digit (which the
// Gray code needs); state 0 is the root. 2^dims * dims! states are reachable
// (8 for dims 2, 48 for dims 3), so tables only pay off for small dims.
//
// Entries are indexed by state << kDims | input and hold
// output | next_state << 8: `encode` maps halves to a digit, `decode` a digit
// to halves.
constexpr int Factorial(int n) { return n <= 1 ? 1 : n * Factorial(n - 1); }

template <int kDims>
struct StepTable {
  // Beyond 3 dims the tables outgrow the cache and next_state its 8 bits.
  static_assert(kDims >= 1 && kDims <= 3, "tables grow as 2^dims * dims!");
  // Every (orientation, bit) pair, reachable or not: an upper bound.
  static constexpr int kMaxStates = 2 * (1 << kDims) * Factorial(kDims);

  std::array<uint16_t, kMaxStates << kDims> encode{};
  std::array<uint16_t, kMaxStates << kDims> decode{};
  int state_count = 0;
};

// Enumerates the reachable states breadth first from the root.
template <int kDims>
constexpr StepTable<kDims> MakeStepTable() {
  StepTable<kDims> table;
  constexpr int kMaxStates = StepTable<kDims>::kMaxStates;
  std::array<Orientation, kMaxStates> orientation{};
  std::array<uint32_t, kMaxStates> last_bit{};
  orientation[0] = IdentityOrientation();
  int count = 1;
  for (int state = 0; state < count; ++state) {
    for (uint32_t digit = 0; digit < (1u << kDims); ++digit) {
      const uint32_t g = GrayCode(digit, last_bit[state], kDims);
      const uint32_t halves = HalvesOfGray(orientation[state], g, kDims);
      const Orientation child = ChildOrientation(orientation[state], g, kDims);
      int next = 0;
      while (next < count &&
             !(orientation[next] == child && last_bit[next] == (digit & 1))) {
        ++next;
      }
      if (next == count) {
        orientation[count] = child;
        last_bit[count] = digit & 1;
        ++count;
      }
      const int input_base = state << kDims;
      table.decode[input_base | digit] =
          static_cast<uint16_t>(halves | next << 8);
      table.encode[input_base | halves] =
          static_cast<uint16_t>(digit | next << 8);
    }
  }
  table.state_count = count;
  return table;
}

template <int kDims>
inline constexpr StepTable<kDims> kStepTable = MakeStepTable<kDims>();

static_assert(kStepTable<2>.state_count == 8);
static_assert(kStepTable<3>.state_count == 48);

}  // namespace infinitedb::hilbert::internal

#endif  // INFINITEDB_ENGINE_HILBERT_ORIENTATION_H_
