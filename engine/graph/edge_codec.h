// The byte layouts of the graph's stored values (integers little-endian,
// every string a u32 length then its bytes).
//
// An edge, the value of its record in __graph.edges (the id is the record's
// point, the stamp its commit):
//
//   version     u8   1
//   flags       u8   bit 0: directed; bit 1: has a weight
//   weight      i64  only with flag bit 1
//   kind        string
//   endpoints   u32 count, then each: space (string), dims (u8), point
//               (dims x u32), role (string), polarity (u8: 0 neutral,
//               1 tail, 2 head)
//   properties  u32 count, then each: key (string), value (string), in key
//               order
//   payload     string
//
// An endpoint index entry, the value of (point, id) in __graph.inc.<space>:
//
//   version     u8   1
//   flags       u8   bit 0: the edge is directed
//   kind        string
//   roles       u32 count, then each: role (string), polarity (u8)
//
// Example: the entry of an undirected "wall.joins" edge touching its point
// once as "end": 01 00, 0a 00 00 00 "wall.joins", 01 00 00 00, 03 00 00 00
// "end" 00: 28 bytes.
#ifndef INFINITEDB_ENGINE_GRAPH_EDGE_CODEC_H_
#define INFINITEDB_ENGINE_GRAPH_EDGE_CODEC_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/graph.h"

namespace infinitedb::graph {

std::string EncodeEdge(const Edge& edge);
// DataLoss when `value` is not an encoded edge.
absl::StatusOr<Edge> DecodeEdge(std::string_view value, EdgeId id,
                                const CommitStamp& stamp);

// An edge read without copying, as walks read it: views into its encoded
// value (which outlives the view), properties and payload checked but not
// read.
struct EndpointView {
  std::string_view space;
  std::string_view point;  // dims x u32, little-endian
  std::string_view role;
  Polarity polarity = Polarity::kNeutral;

  size_t dims() const { return point.size() / 4; }
  Point ToPoint() const;
  bool Is(std::string_view node_space, const Point& node_point) const;
};
struct EdgeView {
  bool directed = false;
  std::optional<int64_t> weight;
  std::string_view kind;
  std::vector<EndpointView> endpoints;
};
// False when `value` is not an encoded edge. Reuses `view`'s storage.
bool DecodeEdgeView(std::string_view value, EdgeView* view);

// An index entry as read: views into the stored value.
struct IncidenceEntry {
  bool directed = false;
  std::string_view kind;
  std::vector<std::pair<std::string_view, Polarity>> roles;
};

std::string EncodeIncidence(
    const Edge& edge,
    const std::vector<std::pair<std::string_view, Polarity>>& roles);
// False when `value` is not an encoded entry.
bool DecodeIncidence(std::string_view value, IncidenceEntry* entry);

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_EDGE_CODEC_H_
