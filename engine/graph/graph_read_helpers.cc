#include "engine/graph/graph_read_helpers.h"

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"

namespace infinitedb::graph {

std::string EncodeGraphCursor(Revision revision, std::string_view inner) {
  std::string cursor(1, static_cast<char>(kGraphCursorVersion));
  PutFixed64(&cursor, revision);
  cursor.append(inner);
  return cursor;
}

Box IndexBox(const Box& box) {
  Box index = box;
  index.min.insert(index.min.end(), {0, 0});
  index.max.insert(index.max.end(), {UINT32_MAX, UINT32_MAX});
  return index;
}

Incidence ToIncidence(NodeRef node, const IncidenceEntry& entry, Edge edge) {
  Incidence incidence;
  incidence.node = std::move(node);
  for (const auto& [role, polarity] : entry.roles) {
    incidence.roles.emplace_back(std::string(role), polarity);
  }
  incidence.edge = std::move(edge);
  return incidence;
}

absl::Status UndecodableEntry(EdgeId id, std::string_view space) {
  return absl::DataLossError(absl::StrFormat(
      "the endpoint index entry of edge %d in space '%s' does not decode", id,
      space));
}

absl::Status IndexedEdgeMissing(std::string_view space, EdgeId id,
                                Revision revision) {
  return absl::DataLossError(absl::StrFormat(
      "the endpoint index of space '%s' names edge %d, which has no live "
      "version at revision %d",
      space, id, revision));
}

}  // namespace infinitedb::graph
