// Where the graph keeps its data: three kinds of system space, all written
// in the same commit as the edge they describe.
//
//   __graph.edges          2 axes (id >> 32, id & 0xffffffff), both ordered:
//                          one record per edge, its value the encoded edge
//                          (edge_codec.h); a delete is a tombstone. The
//                          one graph space in the change stream.
//   __graph.kinds          4 axes (kind hash high, low, id high, low), all
//                          ordered: one entry per live edge, so the edges of
//                          a kind are one key range; the value is the kind
//                          (hash collisions are filtered by it).
//   __graph.inc.<space>    dims of <space> + 2 axes (the point, then id high,
//                          low), the last two ordered: the endpoint index,
//                          one entry per (point, edge) with the edge's roles
//                          there (edge_codec.h). The entries of one point
//                          are one key range in id order; a box of points is
//                          a set of Hilbert ranges of the space's own curve.
#ifndef INFINITEDB_ENGINE_GRAPH_GRAPH_SPACES_H_
#define INFINITEDB_ENGINE_GRAPH_GRAPH_SPACES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "engine/graph/graph_store.h"
#include "engine/public/changes.h"
#include "engine/public/graph.h"
#include "engine/public/types.h"

namespace infinitedb::graph {

inline constexpr const char* kEdgesSpace = kGraphEdgesSpace;
inline constexpr int kEdgesDims = 2;
inline constexpr char kKindsSpace[] = "__graph.kinds";
inline constexpr int kKindsDims = 4;
inline constexpr char kIncidencePrefix[] = "__graph.inc.";
inline constexpr int kIdAxes = 2;

inline std::string IncidenceSpace(std::string_view space) {
  return std::string(kIncidencePrefix) + std::string(space);
}

inline Point EdgePoint(EdgeId id) {
  return {static_cast<uint32_t>(id >> 32), static_cast<uint32_t>(id)};
}
inline EdgeId IdOfAxes(uint32_t high, uint32_t low) {
  return (static_cast<uint64_t>(high) << 32) | low;
}

// A stable 64-bit hash of a kind (FNV-1a): the same on every server.
uint64_t KindHash(std::string_view kind);

inline Point KindPoint(std::string_view kind, EdgeId id) {
  uint64_t hash = KindHash(kind);
  return {static_cast<uint32_t>(hash >> 32), static_cast<uint32_t>(hash),
          static_cast<uint32_t>(id >> 32), static_cast<uint32_t>(id)};
}

inline Point IncidencePoint(const Point& point, EdgeId id) {
  Point entry = point;
  entry.push_back(static_cast<uint32_t>(id >> 32));
  entry.push_back(static_cast<uint32_t>(id));
  return entry;
}

// Creates __graph.edges and __graph.kinds unless they exist.
absl::Status EnsureGraphSpaces(GraphStore& store);

// The id of an index entry, or of an edge record: its last two
// coordinates.
inline EdgeId IdOfEntry(const RecordView& entry) {
  const int dims = entry.dims();
  return IdOfAxes(entry.coordinate(dims - 2), entry.coordinate(dims - 1));
}

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_GRAPH_SPACES_H_
