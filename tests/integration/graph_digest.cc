#include "tests/integration/graph_digest.h"

#include <algorithm>

namespace infinitedb::testing {
namespace {

v1::Point GridPoint(uint32_t x, uint32_t y) {
  v1::Point point;
  point.add_coordinates(x);
  point.add_coordinates(y);
  return point;
}

std::string RecordText(const std::string& value, uint64_t hlc,
                       uint32_t origin) {
  return absl::StrCat("'", value, "' hlc ", hlc, " origin ", origin);
}

std::string RoleText(const std::string& role, v1::Polarity polarity) {
  return role + ":" + PolarityText(polarity);
}

struct DegreeCount {
  uint64_t total = 0, outgoing = 0, incoming = 0, neutral = 0;
};

std::string DegreeText(const DegreeCount& degree) {
  return absl::StrCat("total ", degree.total, " out ", degree.outgoing, " in ",
                      degree.incoming, " neutral ", degree.neutral);
}

// The incidence and degree lines of every node of the grid, at `read`.
absl::Status ReadGrid(client::Client& client, const v1::ReadOptions& read,
                      Digest& digest) {
  for (uint32_t x = 0; x < kGridSide; ++x) {
    for (uint32_t y = 0; y < kGridSide; ++y) {
      v1::IncidentRequest incident;
      *incident.mutable_read() = read;
      incident.mutable_node()->set_space(kGraphSpace);
      *incident.mutable_node()->mutable_point() = GridPoint(x, y);
      const std::string node = PointKey(incident.node().point());
      absl::StatusOr<client::GraphPageSummary> page =
          client.Incident(incident, [&](const v1::Incidence& incidence) {
            std::vector<std::string> roles;
            for (const v1::IncidentRole& role : incidence.roles()) {
              roles.push_back(RoleText(role.role(), role.polarity()));
            }
            digest[absl::StrCat("incident ", node, " ",
                                incidence.edge().id())] =
                absl::StrJoin(roles, " ");
            return true;
          });
      if (!page.ok()) return page.status();
      v1::DegreeRequest degree;
      *degree.mutable_read() = read;
      *degree.mutable_node() = incident.node();
      absl::StatusOr<v1::DegreeResponse> counted = client.Degree(degree);
      if (!counted.ok()) return counted.status();
      digest["degree " + node] =
          DegreeText({counted->total(), counted->outgoing(),
                      counted->incoming(), counted->neutral()});
    }
  }
  return absl::OkStatus();
}

// The edges of every kind and the tracked ids, at `read`.
absl::Status ReadEdges(client::Client& client, const v1::ReadOptions& read,
                       const std::set<uint64_t>& ids, Digest& digest) {
  for (const std::string& kind : GraphKinds()) {
    v1::EdgesByKindRequest request;
    *request.mutable_read() = read;
    request.set_kind(kind);
    absl::StatusOr<client::GraphPageSummary> page =
        client.EdgesByKind(request, [&](const v1::Edge& edge) {
          digest[absl::StrCat("edge ", edge.id())] = EdgeText(edge);
          return true;
        });
    if (!page.ok()) return page.status();
  }
  for (uint64_t id : ids) {
    v1::GetEdgeRequest request;
    *request.mutable_read() = read;
    request.set_id(id);
    absl::StatusOr<v1::GetEdgeResponse> got = client.GetEdge(request);
    if (!got.ok()) return got.status();
    digest[absl::StrCat("get ", id)] =
        got->found() ? EdgeText(got->edge()) : "absent";
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Digest> ReadDigest(client::Client& client,
                                  const std::set<uint64_t>& ids,
                                  const std::string& branch) {
  Digest digest;
  v1::QueryRequest query;
  query.mutable_read()->set_branch(branch);
  query.set_space(kGraphSpace);
  absl::StatusOr<client::QuerySummary> records =
      client.Query(query, [&](const v1::Record& record) {
        digest["record " + PointKey(record.point())] = RecordText(
            record.value(), record.stamp().hlc(), record.stamp().origin());
        return true;
      });
  if (!records.ok()) return records.status();
  v1::ReadOptions read;
  read.set_branch(branch);
  read.set_as_of(records->revision);
  if (absl::Status s = ReadEdges(client, read, ids, digest); !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadGrid(client, read, digest); !s.ok()) return s;
  return digest;
}

Digest ExpectedDigest(const std::vector<AckedWrite>& writes,
                      const std::set<uint64_t>& ids) {
  std::map<std::vector<uint32_t>, const AckedWrite*> records;
  std::map<uint64_t, const AckedWrite*> edges;
  for (const AckedWrite& write : writes) {
    const AckedWrite*& winner =
        write.is_edge ? edges[write.edge.id()] : records[write.address];
    if (winner == nullptr || std::tie(write.hlc, write.origin) >
                                 std::tie(winner->hlc, winner->origin)) {
      winner = &write;
    }
  }
  Digest digest;
  for (const auto& [address, winner] : records) {
    if (winner->deleted) continue;
    v1::Point point;
    point.mutable_coordinates()->Assign(address.begin(), address.end());
    digest["record " + PointKey(point)] =
        RecordText(winner->value, winner->hlc, winner->origin);
  }
  for (uint64_t id : ids) digest[absl::StrCat("get ", id)] = "absent";
  std::map<std::string, DegreeCount> degrees;
  for (uint32_t x = 0; x < kGridSide; ++x) {
    for (uint32_t y = 0; y < kGridSide; ++y) {
      degrees[PointKey(GridPoint(x, y))] = {};
    }
  }
  for (const auto& [id, winner] : edges) {
    if (winner->deleted) continue;
    const v1::Edge& edge = winner->edge;
    const std::string text = EdgeText(edge, winner->hlc, winner->origin);
    digest[absl::StrCat("edge ", id)] = text;
    if (ids.contains(id)) digest[absl::StrCat("get ", id)] = text;
    // Per node: its roles in endpoint order, and whether it is a tail or
    // a head of the edge.
    std::map<std::string, std::vector<std::string>> roles;
    std::map<std::string, std::pair<bool, bool>> tail_head;
    for (const v1::Endpoint& endpoint : edge.endpoints()) {
      const std::string node = PointKey(endpoint.point());
      roles[node].push_back(RoleText(endpoint.role(), endpoint.polarity()));
      tail_head[node].first |= endpoint.polarity() == v1::POLARITY_TAIL;
      tail_head[node].second |= endpoint.polarity() == v1::POLARITY_HEAD;
    }
    for (const auto& [node, node_roles] : roles) {
      digest[absl::StrCat("incident ", node, " ", id)] =
          absl::StrJoin(node_roles, " ");
      DegreeCount& degree = degrees[node];
      ++degree.total;
      if (!edge.directed()) {
        ++degree.neutral;
      } else {
        degree.outgoing += tail_head[node].first;
        degree.incoming += tail_head[node].second;
      }
    }
  }
  for (const auto& [node, degree] : degrees) {
    digest["degree " + node] = DegreeText(degree);
  }
  return digest;
}

std::string FirstDifference(const Digest& a, const Digest& b) {
  auto ia = a.begin();
  auto ib = b.begin();
  while (ia != a.end() || ib != b.end()) {
    if (ib == b.end() || (ia != a.end() && ia->first < ib->first)) {
      return ia->first + ": '" + ia->second + "' vs absent";
    }
    if (ia == a.end() || ib->first < ia->first) {
      return ib->first + ": absent vs '" + ib->second + "'";
    }
    if (ia->second != ib->second) {
      return ia->first + ": '" + ia->second + "' vs '" + ib->second + "'";
    }
    ++ia, ++ib;
  }
  return "none";
}

}  // namespace infinitedb::testing
