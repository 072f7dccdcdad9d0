// Value types of the engine's public API: points, records, mutations, boxes,
// and the descriptions of spaces and branches.
#ifndef INFINITEDB_ENGINE_DB_TYPES_H_
#define INFINITEDB_ENGINE_DB_TYPES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "engine/common/coding.h"

namespace infinitedb {

// Server-wide commit counter: one commit (put, delete or batch) is one
// revision. 0 is never a commit; as an `as_of` argument it means "newest".
using Revision = uint64_t;
// Coordinates of a point: one uint32 per axis of its space.
using Point = std::vector<uint32_t>;

inline constexpr int kMinDims = 1;
inline constexpr int kMaxDims = 16;
inline constexpr char kMainBranch[] = "main";

// Identity of a commit: its revision plus the hybrid logical clock
// (48-bit physical milliseconds << 16 | 16-bit logical) and the origin node
// that made it. (hlc, origin) orders writes across servers.
struct CommitStamp {
  Revision revision = 0;
  uint64_t hlc = 0;
  uint32_t origin = 0;
};

// One version of one address.
struct Record {
  Point point;
  std::string value;
  CommitStamp stamp;
  bool deleted = false;  // a tombstone: the address has no value from here on
};

// A version as a read yields it, without copying: the views stay valid only
// during the visitor call that receives it.
struct RecordView {
  std::string_view key;  // engine-internal key (for cursors)
  CommitStamp stamp;
  bool deleted = false;
  std::string_view coordinates;  // dims uint32, little-endian
  std::string_view value;

  int dims() const { return static_cast<int>(coordinates.size() / 4); }
  uint32_t coordinate(int axis) const {
    return DecodeFixed32(coordinates.data() + 4 * axis);
  }
  Point point() const {
    Point p(dims());
    for (int i = 0; i < dims(); ++i) p[i] = coordinate(i);
    return p;
  }
};

// Receives the records of a scan or query; returns false to stop early.
using RecordVisitor = absl::FunctionRef<bool(const RecordView&)>;

struct Mutation {
  enum class Kind { kPut, kDelete };
  Kind kind = Kind::kPut;
  std::string space;
  Point point;
  std::string value;  // ignored for kDelete

  static Mutation Put(std::string space, Point point, std::string value) {
    return {Kind::kPut, std::move(space), std::move(point), std::move(value)};
  }
  static Mutation Delete(std::string space, Point point) {
    return {Kind::kDelete, std::move(space), std::move(point), {}};
  }
};

// A mutation by reference, for batches built without copying: the point
// and the bytes behind the views must outlive the call that takes it.
struct MutationView {
  Mutation::Kind kind = Mutation::Kind::kPut;
  std::string_view space;
  const Point* point = nullptr;
  std::string_view value;  // ignored for kDelete
};

// An inclusive axis-aligned box: min[i] <= x[i] <= max[i] on every axis.
struct Box {
  Point min;
  Point max;
};

struct SpaceInfo {
  std::string name;
  int dims = 0;
  // The revision current when the space was created.
  Revision created_revision = 0;
};

struct BranchInfo {
  std::string name;
  std::string parent;  // empty for main
  // The branch sees its parent's data up to this revision.
  Revision fork_revision = 0;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_TYPES_H_
