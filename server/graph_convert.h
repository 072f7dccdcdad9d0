// Conversions between the messages of graph.proto and the engine's graph
// types (engine/public/graph.h), with the checks a message can fail on its
// own: required fields present, at most 16 coordinates, known enum values.
// Errors are INVALID_ARGUMENT naming the field ("edge.endpoints[1].point");
// what needs the catalogue or the engine's rules (dimensions of a space,
// polarities of a directed edge, label lengths) is left to the engine.
#ifndef INFINITEDB_SERVER_GRAPH_CONVERT_H_
#define INFINITEDB_SERVER_GRAPH_CONVERT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/public/engine.h"
#include "infinitedb/v1/graph.pb.h"

namespace infinitedb::server {

// A node from a message field named `field` (present or not).
absl::StatusOr<NodeRef> NodeRefFrom(const v1::NodeRef& node, bool present,
                                    std::string_view field);
// An edge to write; its stamp and deleted fields are ignored.
absl::StatusOr<Edge> EdgeFrom(const v1::Edge& edge, std::string_view field);
absl::StatusOr<EdgeMutation> EdgeMutationFrom(const v1::EdgeMutation& mutation,
                                              std::string_view field);
absl::StatusOr<EdgeFilter> EdgeFilterFrom(const v1::EdgeFilter& filter,
                                          std::string_view field);
// The read part of a paged request: as_of 0 with no cursor becomes the
// current revision, so every page and the header name one revision.
GraphRead GraphReadFrom(const v1::ReadOptions& read, uint64_t limit,
                        const std::string& cursor, Engine& engine);

void ToProto(const NodeRef& node, v1::NodeRef* out);
void ToProto(const Edge& edge, v1::Edge* out);
void ToProto(const Incidence& incidence, v1::Incidence* out);

// The index N of an error whose message starts with "edges[N]" (how the
// engine and the converters name an edge of a batch); -1 when it does not.
int64_t EdgeIndexOf(const absl::Status& status);
// The status with its message's leading `from` (a field path) replaced by
// `to`: the engine names PutEdge's edge "edges[0]", the request "edge".
absl::Status RenameField(const absl::Status& status, std::string_view from,
                         std::string_view to);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_GRAPH_CONVERT_H_
