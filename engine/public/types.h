// Value types of the engine's public API: points, records, mutations, boxes,
// durability, and the descriptions of spaces and branches. The vocabulary
// every engine layer shares: this folder (engine/public/) is below all of
// them and includes nothing else of the engine.
#ifndef INFINITEDB_ENGINE_PUBLIC_TYPES_H_
#define INFINITEDB_ENGINE_PUBLIC_TYPES_H_

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"

namespace infinitedb {

// Server-wide commit counter: one commit (put, delete or batch) is one
// revision. 0 is never a commit; as an `as_of` argument it means "newest".
using Revision = uint64_t;
// Coordinates of a point: one uint32 per axis of its space.
using Point = std::vector<uint32_t>;

inline constexpr int kMinDims = 1;
inline constexpr int kMaxDims = 16;
// The engine's own index spaces (the graph's endpoint index) store points
// with two more axes than the space they index: an edge id's two halves.
inline constexpr int kMaxStoredDims = kMaxDims + 2;
inline constexpr char kMainBranch[] = "main";

// Identity of a commit: its revision plus the hybrid logical clock
// (48-bit physical milliseconds << 16 | 16-bit logical) and the origin node
// that made it. (hlc, origin) orders writes across servers.
struct CommitStamp {
  Revision revision = 0;
  uint64_t hlc = 0;
  uint32_t origin = 0;
};

// The physical part of an HLC stamp: milliseconds since the Unix epoch.
inline constexpr int kHlcLogicalBits = 16;
inline constexpr uint64_t HlcPhysicalMs(uint64_t hlc) {
  return hlc >> kHlcLogicalBits;
}

enum class Durability {
  // Acknowledge a commit only after its WAL frame is fdatasync'ed.
  kSync,
  // Acknowledge after the write reaches the OS; fdatasync on a timer
  // (`async_sync_interval_ms`). A power loss may lose the last interval of
  // acknowledged commits; a process crash loses nothing.
  kAsync,
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
    // Little-endian on disk and in memory (the engine builds for x86-64 and
    // other little-endian targets only; see common/coding.h).
    uint32_t value;
    std::memcpy(&value, coordinates.data() + 4 * axis, sizeof(value));
    return value;
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
  // A precondition: the address's current live version on the branch must
  // have this revision (0 = the address has no live version). When any
  // mutation's precondition fails, the whole commit fails with
  // FailedPrecondition and writes nothing. Unset = no precondition.
  std::optional<Revision> if_revision;

  static Mutation Put(std::string space, Point point, std::string value) {
    return {Kind::kPut, std::move(space), std::move(point), std::move(value),
            std::nullopt};
  }
  static Mutation Delete(std::string space, Point point) {
    return {
        Kind::kDelete, std::move(space), std::move(point), {}, std::nullopt};
  }
};

// A mutation by reference, for batches built without copying: the point
// and the bytes behind the views must outlive the call that takes it.
struct MutationView {
  Mutation::Kind kind = Mutation::Kind::kPut;
  std::string_view space;
  const Point* point = nullptr;
  std::string_view value;               // ignored for kDelete
  std::optional<Revision> if_revision;  // as in Mutation
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
  // The revision of this server at which it was forked (or learnt of).
  Revision fork_revision = 0;
  // Its newest commit (0: none yet).
  Revision head_revision = 0;
  // The fork's HLC stamp: the branch sees the parent's versions stamped at
  // or below it, on every server (0 for main, and for branches made before
  // stamps, which see the parent up to fork_revision).
  uint64_t fork_hlc = 0;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_TYPES_H_
