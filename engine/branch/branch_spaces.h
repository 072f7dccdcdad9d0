// What branch work compares: the user spaces and the graph's edges (the
// endpoint and kind indexes are derived from the edges, so they follow), and
// how a side's version reads as a record or an edge.
#ifndef INFINITEDB_ENGINE_BRANCH_BRANCH_SPACES_H_
#define INFINITEDB_ENGINE_BRANCH_BRANCH_SPACES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/branch/side_join.h"
#include "engine/public/graph.h"
#include "engine/version/catalog.h"

namespace infinitedb::branch {

// The user spaces by name, then the graph's edges when that space exists.
std::vector<std::string> ComparedSpaces(const Catalog& catalog);

bool IsEdgeSpace(std::string_view space);

// The edge id of an address of the edge space.
EdgeId EdgeIdOf(const Point& point);

// A side's version as a record at `point`; absent when it is not live.
std::optional<Record> RecordOf(const SideVersion& side, const Point& point);

// A side's version of edge `id`; absent when it is not live. DataLoss when
// the stored bytes are not an edge.
absl::StatusOr<std::optional<Edge>> EdgeOf(const SideVersion& side, EdgeId id);

}  // namespace infinitedb::branch

#endif  // INFINITEDB_ENGINE_BRANCH_BRANCH_SPACES_H_
