// Internal to engine/hilbert: the cells of the curve's tree as seen from a
// query box, for CoveringRanges.
//
// A cell at level l holds the points whose keys start with one prefix of l
// digits: a cube of side 2^(32-l), whose keys form one range. BoxCells lists
// the children of a cell that meet the box, in key order, and tells which of
// them lie wholly inside it.
//
// kStaticDims 2..3 fixes dims at compile time and follows the curve with the
// step tables of orientation.h, one lookup per child; kStaticDims 0 takes
// dims at run time and composes orientations, O(dims) per child. The split
// exists for speed: CoveringRanges examines thousands of children per call.
#ifndef INFINITEDB_ENGINE_HILBERT_BOX_CELLS_H_
#define INFINITEDB_ENGINE_HILBERT_BOX_CELLS_H_

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "engine/hilbert/hilbert.h"
#include "engine/hilbert/orientation.h"

namespace infinitedb::hilbert::internal {

template <int kStaticDims>
class BoxCells {
 public:
  static constexpr bool kTableDriven = kStaticDims > 0;
  static constexpr int kCapacity = kTableDriven ? kStaticDims : kMaxDims;
  // How the curve runs inside a cell: a step table state or an orientation.
  using CurveState = std::conditional_t<kTableDriven, uint32_t, Orientation>;

  struct Cell {
    std::array<uint32_t, kCapacity> corner;  // Lowest coordinate on each axis.
    CurveState curve;                        // Only set when !inside.
    uint32_t digit;                          // Last digit of the key prefix.
    int level;                               // Digits in the key prefix.
    bool inside;                             // The whole cell is in the box.
  };

  // A child of a cell that meets the box: its digit, Gray code and halves
  // (see orientation.h), its step table state when table driven, and whether
  // it lies inside the box.
  struct Child {
    uint32_t digit;
    uint32_t gray;
    uint32_t halves;
    uint32_t state;
    bool inside;
  };

  // Where the box lies relative to the halves of a cell, one bit per axis:
  // it reaches only the upper half (upper_only) or both halves (both), and
  // contains the whole lower half (lower_inside) or upper half
  // (upper_inside) along that axis.
  struct Split {
    uint32_t upper_only;
    uint32_t both;
    uint32_t lower_inside;
    uint32_t upper_inside;

    bool ChildInside(uint32_t halves, uint32_t all_axes) const {
      return ((halves & upper_inside) | (~halves & lower_inside)) == all_axes;
    }
  };

  // Keeps pointers into the spans, which must outlive this object.
  BoxCells(std::span<const uint32_t> box_min, std::span<const uint32_t> box_max)
      : dims_(static_cast<int>(box_min.size())),
        min_(box_min.data()),
        max_(box_max.data()) {
    assert(box_min.size() == box_max.size());
    assert(dims_ >= 1 && dims_ <= kMaxDims);
    assert(!kTableDriven || dims_ == kStaticDims);
    for (int j = 0; j < dims_; ++j) assert(min_[j] <= max_[j]);
  }

  int dims() const {
    if constexpr (kTableDriven) return kStaticDims;
    return dims_;
  }

  Cell Root() const {
    Cell root{};
    if constexpr (!kTableDriven) root.curve = IdentityOrientation();
    root.inside = true;
    for (int j = 0; j < dims(); ++j) {
      if (min_[j] != 0 || max_[j] != UINT32_MAX) root.inside = false;
    }
    return root;
  }

  Split SplitAxes(const Cell& cell) const {
    const uint32_t half_side = uint32_t{1} << (kBitsPerAxis - 1 - cell.level);
    Split split{0, 0, 0, 0};
    for (int j = 0; j < dims(); ++j) {
      const uint32_t axis = uint32_t{1} << j;
      const uint32_t start = cell.corner[j];
      const uint32_t middle = start + half_side;  // No overflow.
      const uint32_t last = middle + (half_side - 1);
      // The cell meets the box: max_[j] >= start and min_[j] <= last.
      if (max_[j] >= middle) {
        (min_[j] < middle ? split.both : split.upper_only) |= axis;
      }
      if (min_[j] <= start && max_[j] >= middle - 1) split.lower_inside |= axis;
      if (min_[j] <= middle && max_[j] >= last) split.upper_inside |= axis;
    }
    return split;
  }

  // The children ListChildren examines: a measure of its work.
  size_t ChildWork(Split split) const {
    return size_t{1} << (ScansAllDigits(split) ? dims()
                                               : std::popcount(split.both));
  }

  // Fills *children with the children of a straddling `cell` that meet the
  // box, in key order.
  void ListChildren(const Cell& cell, Split split,
                    std::vector<Child>* children) const {
    children->clear();
    const uint32_t digit_count = uint32_t{1} << dims();
    const uint32_t all_axes = digit_count - 1;
    if constexpr (kTableDriven) {
      const uint16_t* entries =
          kStepTable<kStaticDims>.decode.data() + (cell.curve << kStaticDims);
      for (uint32_t digit = 0; digit < digit_count; ++digit) {
        const uint32_t halves = entries[digit] & 0xFF;
        const uint32_t state = entries[digit] >> 8;
        if ((halves & ~split.both) == split.upper_only) {
          AddChild(children, Child{digit, 0, halves, state,
                                   split.ChildInside(halves, all_axes)});
        }
      }
    } else if (ScansAllDigits(split)) {
      for (uint32_t digit = 0; digit < digit_count; ++digit) {
        const uint32_t gray = GrayCode(digit, cell.digit, dims_);
        const uint32_t halves = HalvesOfGray(cell.curve, gray, dims_);
        if ((halves & ~split.both) == split.upper_only) {
          AddChild(children, Child{digit, gray, halves, 0,
                                   split.ChildInside(halves, all_axes)});
        }
      }
    } else {
      for (uint32_t subset = split.both;; subset = (subset - 1) & split.both) {
        const uint32_t halves = split.upper_only | subset;
        const uint32_t gray = GrayOfHalves(cell.curve, halves, dims_);
        const uint32_t digit = DigitOfGray(gray, cell.digit, dims_);
        AddChild(children, Child{digit, gray, halves, 0,
                                 split.ChildInside(halves, all_axes)});
        if (subset == 0) break;
      }
      std::sort(
          children->begin(), children->end(),
          [](const Child& a, const Child& b) { return a.digit < b.digit; });
    }
  }

  // Fills *cell with `child` of `parent`. In place: returning the cell would
  // build it on the stack and copy it, which stalls on store forwarding.
  void MakeChild(const Cell& parent, const Child& child, Cell* cell) const {
    const int bit = kBitsPerAxis - 1 - parent.level;
    for (int j = 0; j < dims(); ++j) {
      cell->corner[j] = parent.corner[j] | (((child.halves >> j) & 1) << bit);
    }
    if constexpr (kTableDriven) {
      cell->curve = child.state;
    } else if (!child.inside) {
      cell->curve = ChildOrientation(parent.curve, child.gray, dims_);
    }
    cell->digit = child.digit;
    cell->level = parent.level + 1;
    cell->inside = child.inside;
  }

 private:
  // Appends `child` field by field: copying it whole right after building it
  // on the stack would stall on store forwarding, as in MakeChild.
  static void AddChild(std::vector<Child>* children, const Child& child) {
    Child& added = children->emplace_back();
    added.digit = child.digit;
    added.gray = child.gray;
    added.halves = child.halves;
    added.state = child.state;
    added.inside = child.inside;
  }

  // Few children: enumerate the halves the box reaches, then sort by digit.
  // Many: scan all 2^dims digits in order, which needs no sort and costs at
  // most 16 times the children found.
  bool ScansAllDigits(Split split) const {
    return kTableDriven || dims_ <= 4 || std::popcount(split.both) + 4 >= dims_;
  }

  const int dims_;
  const uint32_t* const min_;
  const uint32_t* const max_;
};

}  // namespace infinitedb::hilbert::internal

#endif  // INFINITEDB_ENGINE_HILBERT_BOX_CELLS_H_
