// What the graph replication tests compare between servers: a digest of one
// server's records and edges read at one revision through the public API
// (the records of a space, the edges of each kind, every tracked edge by id,
// and the incidence and degree of every node of a small grid), and the
// digest that last-writer-wins must leave of a set of acknowledged writes.
// A digest is a sorted map from a readable key ("edge 5", "incident (1,2)
// 5") to a readable value, so that a difference prints as one line.
#ifndef INFINITEDB_TESTS_INTEGRATION_GRAPH_DIGEST_H_
#define INFINITEDB_TESTS_INTEGRATION_GRAPH_DIGEST_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/infdb_client.h"

namespace infinitedb::testing {

// The space every record and endpoint of the tests is in (2 dimensions),
// and the kinds of their edges ("k.flow" directed, "k.pipe" undirected).
inline constexpr char kGraphSpace[] = "s";
inline const std::vector<std::string>& GraphKinds() {
  static const auto* kinds = new std::vector<std::string>{"k.flow", "k.pipe"};
  return *kinds;
}
// Endpoints are points (x, y) with x, y < kGridSide.
inline constexpr uint32_t kGridSide = 3;

using Digest = std::map<std::string, std::string>;

inline std::string PointKey(const v1::Point& point) {
  return "(" + absl::StrJoin(point.coordinates(), ",") + ")";
}

inline std::string PolarityText(v1::Polarity polarity) {
  switch (polarity) {
    case v1::POLARITY_TAIL:
      return "tail";
    case v1::POLARITY_HEAD:
      return "head";
    default:
      return "neutral";
  }
}

// An edge's content and its (hlc, origin) stamp; not its local revision,
// which differs between servers.
inline std::string EdgeText(const v1::Edge& edge, uint64_t hlc,
                            uint32_t origin) {
  std::vector<std::string> endpoints;
  for (const v1::Endpoint& endpoint : edge.endpoints()) {
    endpoints.push_back(
        absl::StrCat(endpoint.space(), ":", PointKey(endpoint.point()), ":",
                     endpoint.role(), ":", PolarityText(endpoint.polarity())));
  }
  std::map<std::string, std::string> properties(edge.properties().begin(),
                                                edge.properties().end());
  return absl::StrCat(
      edge.kind(), edge.directed() ? " directed" : " undirected", " [",
      absl::StrJoin(endpoints, " "), "] weight ",
      edge.has_weight() ? std::to_string(edge.weight().value()) : "none", " {",
      absl::StrJoin(properties, ",", absl::PairFormatter("=")), "} hlc ", hlc,
      " origin ", origin);
}

inline std::string EdgeText(const v1::Edge& edge) {
  return EdgeText(edge, edge.stamp().hlc(), edge.stamp().origin());
}

// One server's digest of `branch` (empty: main), every read at the
// revision of the first one. `ids` are the edges to read by id too (a
// deleted one reads "absent").
absl::StatusOr<Digest> ReadDigest(client::Client& client,
                                  const std::set<uint64_t>& ids,
                                  const std::string& branch = "");

// An acknowledged write of a record or an edge, with its stamp.
struct AckedWrite {
  bool is_edge = false;
  bool deleted = false;
  std::vector<uint32_t> address;  // a record's
  std::string value;              // a record's
  v1::Edge edge;                  // an edge's (its id for a delete)
  uint64_t hlc = 0;
  uint32_t origin = 0;
};

// The digest of the last-writer-wins state of `writes`: per address and
// per edge id the write with the greatest (hlc, origin), absent when it is
// a delete, and the incidence and degree its live edges give the grid.
Digest ExpectedDigest(const std::vector<AckedWrite>& writes,
                      const std::set<uint64_t>& ids);

// The first key where two digests differ, with both values.
std::string FirstDifference(const Digest& a, const Digest& b);

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_INTEGRATION_GRAPH_DIGEST_H_
