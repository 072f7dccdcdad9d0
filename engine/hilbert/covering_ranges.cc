// CoveringRanges: turns a query box into a few Hilbert key ranges.
//
// The cover starts as the root cell. A cell that straddles the box border is
// "refined": replaced by its children that meet the box (box_cells.h).
// Children inside the box are final; straddling children may be refined in
// turn.
//
// Planning is breadth first, one level per pass, so that the range budget is
// spent evenly along the border. It keeps only the straddling cells (the
// frontier) and, for each, whether the keys just outside it are covered:
// that is all it needs to count the ranges exactly. It also records the
// children of every refined cell. Once planning stops (budget or work bound
// reached, or nothing left to refine), a depth-first walk over those records
// visits the cover in key order and writes the ranges.
#include <algorithm>
#include <array>
#include <cassert>
#include <string>
#include <vector>

#include "engine/hilbert/box_cells.h"
#include "engine/hilbert/hilbert.h"

namespace infinitedb::hilbert {
namespace {

// Upper bound on the work of one call, in child cells examined times dims
// (examining a child costs O(dims)). Planning stops refining when the next
// refinement would pass it, which keeps a call within a few milliseconds for
// every dims and budget. That allows 65536 children for dims = 2, enough for
// thousands of ranges, but only 8192 for dims = 16, where a box straddling
// the middle of most axes gets the whole key space as its single range.
constexpr size_t kMaxWork = size_t{1} << 17;

// What covers the last key of the frontier cell processed last.
enum class EndCover { kNone, kFinal, kFrontier };

template <int kStaticDims>
class Coverer {
 public:
  Coverer(std::span<const uint32_t> box_min, std::span<const uint32_t> box_max,
          size_t max_ranges)
      : box_(box_min, box_max), max_ranges_(std::max<size_t>(max_ranges, 1)) {}

  std::vector<KeyRange> Run();

 private:
  using Cells = internal::BoxCells<kStaticDims>;
  using Cell = typename Cells::Cell;
  using Child = typename Cells::Child;
  using KeyBuffer = std::array<uint8_t, KeyBytes(Cells::kCapacity)>;

  // A straddling cell of the planned cover and what surrounds it. Refining
  // a cell may uncover its first or last key; that splits a range only if
  // the key just outside is covered. Such a key may lie in the neighbouring
  // frontier cell, whose own refinement may uncover it later in the pass.
  struct FrontierCell {
    Cell cell;
    uint32_t record = 0;  // Index of the cell in records_[cell.level - 1].
    bool covered_before = false;      // The key before the cell is covered...
    bool before_is_frontier = false;  // ...by the previous frontier cell.
    bool covered_after = false;
    bool after_is_frontier = false;
  };

  // A child of a refined cell, as emission needs it.
  struct ChildRecord {
    uint16_t digit;
    bool refined;         // Replaced by its own children in the cover.
    bool last_of_parent;  // The parent's children end here.
  };

  // Planning.
  bool PlanPass();
  bool TryRefine(const FrontierCell& parent, EndCover* end);
  void AppendFrontierChildren(const FrontierCell& parent);
  // Emission.
  void Emit(int level);
  KeyBuffer FirstKeyOfPath(int level) const;
  void CloseRangeBefore(int level, uint32_t digit);
  void CloseRange(const KeyBuffer& last);

  int dims() const { return box_.dims(); }

  // Constant after construction.
  const Cells box_;
  const size_t max_ranges_;

  std::vector<FrontierCell> frontier_;  // Straddling cells, in key order.
  std::vector<FrontierCell> next_;      // Frontier being built by PlanPass.
  std::vector<Child> children_;         // Scratch for TryRefine.
  size_t range_count_ = 1;              // Ranges of the cover being planned.
  size_t work_ = 0;                     // Spent by planning, see kMaxWork.
  bool root_refined_ = false;
  // The children of the cells refined at each level, in key order.
  std::array<std::vector<ChildRecord>, kBitsPerAxis> records_;

  std::array<size_t, kBitsPerAxis> next_record_{};  // Per level.
  std::array<uint32_t, kBitsPerAxis> path_{};  // Digits of the emitted cell.
  bool has_open_range_ = false;  // A range starts at open_first_ and goes
  KeyBuffer open_first_;         // at least to the last piece emitted.
  std::vector<KeyRange> ranges_;
};

template <int kStaticDims>
std::vector<KeyRange> Coverer<kStaticDims>::Run() {
  const Cell root = box_.Root();
  if (!root.inside) {
    frontier_.push_back(FrontierCell{root});
    while (PlanPass()) {
    }
  }
  if (root_refined_) {
    Emit(0);
  } else {
    open_first_ = KeyBuffer{};
    has_open_range_ = true;
  }
  if (has_open_range_) {  // The last piece reaches the end of the key space.
    KeyBuffer last;
    last.fill(0xFF);
    CloseRange(last);
  }
  assert(ranges_.size() == range_count_);
  assert(ranges_.size() <= max_ranges_);
  return std::move(ranges_);
}

// Tries to refine every frontier cell once. Returns true if another pass may
// help: straddling cells remain and no bound was hit in this pass (stopping
// at the first level that hits a bound keeps the precision even).
template <int kStaticDims>
bool Coverer<kStaticDims>::PlanPass() {
  next_.clear();
  EndCover previous_end = EndCover::kNone;
  bool bound_hit = false;
  for (FrontierCell cell : frontier_) {
    // The previous frontier cell was processed first; see what it left.
    if (cell.before_is_frontier) {
      cell.covered_before = previous_end != EndCover::kNone;
      cell.before_is_frontier = previous_end == EndCover::kFrontier;
    }
    const bool refined = TryRefine(cell, &previous_end);
    if (!refined) {
      bound_hit = true;
      next_.push_back(cell);
      previous_end = EndCover::kFrontier;
    }
  }
  frontier_.swap(next_);
  return !bound_hit && !frontier_.empty();
}

// Refines `parent` into next_ if the bounds allow, and sets *end to what then
// covers its last key.
template <int kStaticDims>
bool Coverer<kStaticDims>::TryRefine(const FrontierCell& parent,
                                     EndCover* end) {
  const typename Cells::Split split = box_.SplitAxes(parent.cell);
  const uint32_t last_digit = (uint32_t{1} << dims()) - 1;
  // Once the budget is spent, only refinements adding no range can succeed:
  // children with consecutive digits, which must also reach the cell's ends
  // where the keys outside are covered. Most cells of a dense frontier have
  // a covered neighbour and fail; trying them all would cost up to 40% more
  // time for about 1% less volume scanned (dims 3, 256 ranges).
  if (range_count_ == max_ranges_ &&
      (parent.covered_before || parent.covered_after)) {
    return false;
  }
  const size_t work = box_.ChildWork(split) * dims();
  if (work_ + work > kMaxWork) return false;
  work_ += work;
  box_.ListChildren(parent.cell, split, &children_);
  size_t runs = 1;  // Runs of consecutive digits among the children.
  for (size_t k = 1; k < children_.size(); ++k) {
    runs += children_[k].digit != children_[k - 1].digit + 1;
  }
  const bool first_kept = children_.front().digit == 0;
  const bool last_kept = children_.back().digit == last_digit;
  // Before: one range merged with the covered neighbours. After: `runs`
  // ranges, merged with them only where the cell's end keys stay covered.
  const size_t count = range_count_ + runs + parent.covered_before +
                       parent.covered_after - 1 -
                       (first_kept && parent.covered_before) -
                       (last_kept && parent.covered_after);
  if (count > max_ranges_) return false;
  range_count_ = count;

  const int level = parent.cell.level;
  (level == 0 ? root_refined_ : records_[level - 1][parent.record].refined) =
      true;
  for (const Child& child : children_) {
    records_[level].push_back(
        {static_cast<uint16_t>(child.digit), false, false});
  }
  records_[level].back().last_of_parent = true;
  if (parent.before_is_frontier) {  // Tell it what now covers our first key.
    next_.back().covered_after = first_kept;
    next_.back().after_is_frontier = first_kept && !children_.front().inside;
  }
  AppendFrontierChildren(parent);
  *end = !last_kept                ? EndCover::kNone
         : children_.back().inside ? EndCover::kFinal
                                   : EndCover::kFrontier;
  return true;
}

// Appends the straddling children of `parent` (in children_) to next_, with
// their neighbourhood.
template <int kStaticDims>
void Coverer<kStaticDims>::AppendFrontierChildren(const FrontierCell& parent) {
  const uint32_t last_digit = (uint32_t{1} << dims()) - 1;
  const size_t count = children_.size();
  const size_t first_record = records_[parent.cell.level].size() - count;
  for (size_t k = 0; k < count; ++k) {
    const Child& child = children_[k];
    if (child.inside) continue;
    FrontierCell& frontier = next_.emplace_back();
    box_.MakeChild(parent.cell, child, &frontier.cell);
    frontier.record = static_cast<uint32_t>(first_record + k);
    if (k == 0) {
      frontier.covered_before = child.digit == 0 && parent.covered_before;
      frontier.before_is_frontier =
          child.digit == 0 && parent.before_is_frontier;
    } else {
      const Child& previous = children_[k - 1];
      frontier.covered_before = previous.digit + 1 == child.digit;
      frontier.before_is_frontier = frontier.covered_before && !previous.inside;
    }
    if (k + 1 == count) {
      frontier.covered_after =
          child.digit == last_digit && parent.covered_after;
      frontier.after_is_frontier =
          child.digit == last_digit && parent.after_is_frontier;
    } else {
      const Child& next = children_[k + 1];
      frontier.covered_after = child.digit + 1 == next.digit;
      frontier.after_is_frontier = frontier.covered_after && !next.inside;
    }
  }
}

// Walks the children of the next refined cell at `level` in key order (the
// order planning refined them in). A child the box misses is a gap in the
// cover, which closes the open range; a child that is not refined is a piece
// of the cover, which opens one if needed.
template <int kStaticDims>
void Coverer<kStaticDims>::Emit(int level) {
  const std::vector<ChildRecord>& records = records_[level];
  size_t& next = next_record_[level];
  uint32_t expected_digit = 0;
  bool last_of_parent = false;
  while (!last_of_parent) {
    const ChildRecord& child = records[next++];
    last_of_parent = child.last_of_parent;
    if (child.digit != expected_digit) {
      CloseRangeBefore(level, expected_digit);
    }
    expected_digit = child.digit + 1u;
    path_[level] = child.digit;
    if (child.refined) {
      Emit(level + 1);
    } else if (!has_open_range_) {
      open_first_ = FirstKeyOfPath(level + 1);
      has_open_range_ = true;
    }
  }
  if (expected_digit != uint32_t{1} << dims()) {
    CloseRangeBefore(level, expected_digit);
  }
}

// Returns the first key of the cell whose digits are path_[0, level).
template <int kStaticDims>
auto Coverer<kStaticDims>::FirstKeyOfPath(int level) const -> KeyBuffer {
  KeyBuffer key{};
  uint64_t bits = 0;  // Digits not yet written, in the low bit_count bits.
  int bit_count = 0;
  size_t byte = 0;
  for (int l = 0; l < level; ++l) {
    bits = (bits << dims()) | path_[l];
    for (bit_count += dims(); bit_count >= 8; bit_count -= 8) {
      key[byte++] = static_cast<uint8_t>(bits >> (bit_count - 8));
    }
  }
  if (bit_count > 0) key[byte] = static_cast<uint8_t>(bits << (8 - bit_count));
  return key;
}

// Closes the open range, if any, just before the child with `digit` of the
// cell whose digits are path_[0, level).
template <int kStaticDims>
void Coverer<kStaticDims>::CloseRangeBefore(int level, uint32_t digit) {
  if (!has_open_range_) return;
  path_[level] = digit;
  KeyBuffer last = FirstKeyOfPath(level + 1);
  // The child's first key is not 0: a range is open before it.
  for (size_t i = KeyBytes(dims()); i-- > 0 && last[i]-- == 0;) {
  }
  CloseRange(last);
}

template <int kStaticDims>
void Coverer<kStaticDims>::CloseRange(const KeyBuffer& last) {
  const size_t bytes = KeyBytes(dims());
  ranges_.push_back(KeyRange{
      std::string(reinterpret_cast<const char*>(open_first_.data()), bytes),
      std::string(reinterpret_cast<const char*>(last.data()), bytes)});
  has_open_range_ = false;
}

}  // namespace

std::vector<KeyRange> CoveringRanges(std::span<const uint32_t> box_min,
                                     std::span<const uint32_t> box_max,
                                     size_t max_ranges) {
  // Few dimensions get a specialised, table-driven walk; see box_cells.h.
  switch (box_min.size()) {
    case 1:  // The curve is the identity: the box is one range of keys.
      return {KeyRange{EncodeToString(box_min), EncodeToString(box_max)}};
    case 2:
      return Coverer<2>(box_min, box_max, max_ranges).Run();
    case 3:
      return Coverer<3>(box_min, box_max, max_ranges).Run();
    default:
      return Coverer<0>(box_min, box_max, max_ranges).Run();
  }
}

}  // namespace infinitedb::hilbert
