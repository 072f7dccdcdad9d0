// What GraphReader's two files (graph_reader.cc, graph_node_reads.cc)
// share: the graph cursor (a version byte, 1; the revision, u64; then the
// record cursor of the index query it resumes), the box of index entries
// under a box of points, incidences, and the index's data-loss errors.
#ifndef INFINITEDB_ENGINE_GRAPH_GRAPH_READ_HELPERS_H_
#define INFINITEDB_ENGINE_GRAPH_GRAPH_READ_HELPERS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "engine/graph/edge_codec.h"
#include "engine/public/graph.h"

namespace infinitedb::graph {

inline constexpr uint8_t kGraphCursorVersion = 1;

std::string EncodeGraphCursor(Revision revision, std::string_view inner);

// The entries of an endpoint index whose points lie in `box`.
Box IndexBox(const Box& box);

Incidence ToIncidence(NodeRef node, const IncidenceEntry& entry, Edge edge);

absl::Status UndecodableEntry(EdgeId id, std::string_view space);
absl::Status IndexedEdgeMissing(std::string_view space, EdgeId id,
                                Revision revision);

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_GRAPH_READ_HELPERS_H_
