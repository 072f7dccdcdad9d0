// How infdb-cli writes and reads the graph's values on a command line and
// in its output: nodes as "SPACE:1,2,3", endpoints as
// "SPACE:1,2,3:ROLE[:tail|head]" (the polarity left out is neutral), and
// the tables of edges and incidences (cli_output.h's cells).
//
// An endpoint's role may itself contain ':'; its last ':'-separated part is
// taken as the polarity when it is "tail", "head" or "neutral", so a role
// such as "a:tail" is written "s:1,2:a:tail:neutral" (the output does so).
#ifndef INFINITEDB_CLIENT_CLI_EDGE_FORMAT_H_
#define INFINITEDB_CLIENT_CLI_EDGE_FORMAT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli_output.h"
#include "infinitedb/v1/graph.pb.h"

namespace infinitedb::cli {

// Parse errors are InvalidArgument saying what the text is not
// ("'x' is not SPACE:1,2,3"); the caller names where it came from
// (FlagError for a flag, the line for an import file).
absl::StatusOr<v1::NodeRef> ParseNode(const std::string& text);
absl::StatusOr<v1::Endpoint> ParseEndpoint(const std::string& text);
// "1,2,3".
absl::StatusOr<v1::Point> ParsePoint(const std::string& text);
// "tail", "head", "neutral".
absl::StatusOr<v1::Polarity> ParsePolarity(const std::string& text);
// "any", "out", "in", "neutral".
absl::StatusOr<v1::Direction> ParseDirection(const std::string& text);
// A parse error of flag --`flag`'s value as a usage error.
absl::Status FlagError(const std::string& flag, const absl::Status& error);

std::string NodeText(const v1::NodeRef& node);
std::string EndpointText(const v1::Endpoint& endpoint);
// "role" or "role:tail" / "role:head".
std::string RoleText(const std::string& role, v1::Polarity polarity);
// "kind endpoint endpoint w=N": an edge in one cell for people.
std::string EdgeSummary(const v1::Edge& edge);
// An edge in one cell: its summary, and in JSON the object `edge get`
// prints (id, kind, directed, weight, endpoints, properties, payload,
// revision).
Cell EdgeCell(const v1::Edge& edge);

// Columns id, kind, directed, weight, endpoints, properties, payload,
// revision (and deleted, for history).
Table EdgeTable(const std::vector<v1::Edge>& edges, bool with_deleted);
// Columns node, roles, then the edge's columns (without payload).
Table IncidenceTable(const std::vector<v1::Incidence>& incidences);

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_EDGE_FORMAT_H_
