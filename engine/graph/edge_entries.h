// The index entries of one version of an edge: its kind entry and one
// endpoint index entry per node it touches (graph_spaces.h), as writes to
// the graph's system spaces. A write of the edge puts the entries of the
// new version after deleting those of the version it replaces; local writes
// (edge_write_plan.h) and replicated ones (derived where they arrive) both
// use them.
#ifndef INFINITEDB_ENGINE_GRAPH_EDGE_ENTRIES_H_
#define INFINITEDB_ENGINE_GRAPH_EDGE_ENTRIES_H_

#include <string>
#include <vector>

#include "engine/public/graph.h"

namespace infinitedb::graph {

struct EntryWrite {
  // The node's space for an endpoint index entry; empty for the kind entry.
  std::string node_space;
  Point point;
  std::string value;  // for puts
};

// The system space the entry is written to: the kind index, or the node
// space's endpoint index.
std::string EntrySpace(const EntryWrite& entry);

// The entries of `edge` as edge `id`, kind entry first.
std::vector<EntryWrite> EntriesOf(const Edge& edge, EdgeId id);
// The same with edge.id.
inline std::vector<EntryWrite> EntriesOf(const Edge& edge) {
  return EntriesOf(edge, edge.id);
}

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_EDGE_ENTRIES_H_
