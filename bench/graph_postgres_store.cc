// Peer: PostgreSQL 15, a private instance (postgres_launcher.h) with
// fsync=on, synchronous_commit=on and 256 MB of shared buffers, reached with
// libpq over loopback TCP. The schema of the SQLite peer: points, edges
// (index on kind), endpoints with btree indexes on (x, y, z, edge_id) and on
// edge_id; a box is a range scan of the (x, y, z) btree (no extension
// needed). Each batch is one transaction of two COPYs; queries are prepared
// statements; traversals are one recursive CTE each; shortest paths are
// iterative queries from the client (graph_sql_path.h), one query per
// frontier level with the frontier as arrays.
#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/graph_sql_path.h"
#include "bench/graph_store.h"
#include "bench/postgres_launcher.h"

namespace infinitedb::bench {
namespace {

const char* const kSettings[] = {
    "fsync = on",
    "synchronous_commit = on",
    "full_page_writes = on",
    "shared_buffers = 256MB",
};

const char* const kSchema[] = {
    "CREATE TABLE points(id BIGINT PRIMARY KEY, x INT, y INT, z INT, "
    "value BYTEA)",
    "CREATE TABLE edges(id BIGINT PRIMARY KEY, kind TEXT, directed INT, "
    "weight BIGINT, props BYTEA)",
    "CREATE TABLE endpoints(edge_id BIGINT, x INT, y INT, z INT, role TEXT, "
    "polarity INT)",
    "CREATE INDEX edges_kind ON edges(kind)",
    "CREATE INDEX endpoints_xyz ON endpoints(x, y, z, edge_id)",
    "CREATE INDEX endpoints_edge ON endpoints(edge_id)",
};

struct Prepared {
  const char* name;
  int params;
  const char* sql;
};
const Prepared kIncident = {
    "incident", 3,
    "SELECT e.id, e.kind, e.directed, e.weight, e.props, p.x, p.y, p.z, "
    "p.role, p.polarity FROM endpoints s JOIN edges e ON e.id = s.edge_id "
    "JOIN endpoints p ON p.edge_id = s.edge_id "
    "WHERE s.x = $1 AND s.y = $2 AND s.z = $3 ORDER BY e.id"};
const Prepared kTraverse = {
    "traverse", 4,
    "WITH RECURSIVE walk(x, y, z, level) AS ("
    " SELECT $1::int, $2::int, $3::int, 0"
    " UNION"
    " SELECT n.x, n.y, n.z, w.level + 1 FROM walk w"
    " JOIN endpoints s ON s.x = w.x AND s.y = w.y AND s.z = w.z"
    " JOIN endpoints n ON n.edge_id = s.edge_id"
    " WHERE w.level < $4 AND (n.x <> w.x OR n.y <> w.y OR n.z <> w.z))"
    " SELECT x, y, z, MIN(level) FROM walk GROUP BY x, y, z"};
const Prepared kBox = {
    "box", 6,
    "SELECT x, y, z, edge_id FROM endpoints WHERE x BETWEEN $1 AND $2 "
    "AND y BETWEEN $3 AND $4 AND z BETWEEN $5 AND $6"};
const Prepared kNeighbors = {
    "neighbors", 3,
    "SELECT n.x, n.y, n.z FROM unnest($1::int[], $2::int[], $3::int[]) "
    "AS f(x, y, z) JOIN endpoints s ON s.x = f.x AND s.y = f.y AND s.z = f.z "
    "JOIN endpoints n ON n.edge_id = s.edge_id"};

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

int64_t IntAt(const Result& result, int row, int column) {
  return std::strtoll(PQgetvalue(result.get(), row, column), nullptr, 10);
}
Point3 Point3At(const Result& result, int row, int column) {
  return {static_cast<uint32_t>(IntAt(result, row, column)),
          static_cast<uint32_t>(IntAt(result, row, column + 1)),
          static_cast<uint32_t>(IntAt(result, row, column + 2))};
}
std::vector<std::string> Params(const Point3& p) {
  return {absl::StrCat(p[0]), absl::StrCat(p[1]), absl::StrCat(p[2])};
}

class GraphPostgresStore : public GraphStore {
 public:
  ~GraphPostgresStore() override {
    if (conn_ != nullptr) PQfinish(conn_);
  }
  std::string name() const override { return "postgres"; }

  absl::Status Create(const std::string& dir) override {
    std::vector<std::string> settings(std::begin(kSettings),
                                      std::end(kSettings));
    absl::StatusOr<std::string> address = launcher_.Start(dir, settings);
    if (!address.ok()) return address.status();
    conn_ = PQconnectdb(address->c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      return absl::UnavailableError(
          absl::StrCat("postgres: cannot connect: ", PQerrorMessage(conn_)));
    }
    for (const char* sql : kSchema) {
      if (absl::Status s = Exec(sql); !s.ok()) return s;
    }
    for (const Prepared& p : {kIncident, kTraverse, kBox, kNeighbors}) {
      Result result(PQprepare(conn_, p.name, p.sql, p.params, nullptr));
      if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        return Error(std::string("prepare ") + p.name);
      }
    }
    Result pid(PQexec(conn_, "SELECT pg_backend_pid()"));
    if (PQresultStatus(pid.get()) == PGRES_TUPLES_OK) {
      backend_pid_ = IntAt(pid, 0, 0);
    }
    return absl::OkStatus();
  }

  absl::Status LoadPoints(const GraphWorkload& workload, size_t first,
                          size_t count) override {
    std::string rows;
    for (size_t i = first; i < first + count; ++i) {
      const Point3& p = workload.points[i];
      absl::StrAppend(&rows, i + 1, "\t", p[0], "\t", p[1], "\t", p[2], "\t",
                      PointValue(i), "\n");
    }
    return Transaction({{"COPY points FROM STDIN", rows}});
  }

  absl::Status InsertEdges(const GraphWorkload& workload, size_t first,
                           size_t count) override {
    std::string edges, endpoints;
    for (size_t i = first; i < first + count; ++i) {
      const WorkEdge& work = workload.edges[i];
      const KindSpec& spec = kKindCatalogue[work.kind];
      const uint64_t id = CanonicalEdgeId(i);
      absl::StrAppend(&edges, id, "\t", spec.kind, "\t", spec.directed ? 1 : 0,
                      "\t", work.weight, "\ttag=", EdgeTag(i), "\n");
      for (int e = 0; e < work.endpoint_count; ++e) {
        const Point3& p = workload.points[work.points[e]];
        absl::StrAppend(&endpoints, id, "\t", p[0], "\t", p[1], "\t", p[2],
                        "\t", EndpointRole(work, e), "\t",
                        static_cast<int>(EndpointPolarity(work, e)), "\n");
      }
    }
    return Transaction({{"COPY edges FROM STDIN", edges},
                        {"COPY endpoints FROM STDIN", endpoints}});
  }

  absl::Status Flush() override {
    if (absl::Status s = Exec("VACUUM ANALYZE"); !s.ok()) return s;
    return Exec("CHECKPOINT");
  }

  absl::StatusOr<std::vector<IncidentEdge>> Incident(
      const Point3& node) override;
  absl::StatusOr<std::vector<ReachedNode>> Traverse(const Point3& start,
                                                    uint32_t depth) override;
  absl::StatusOr<std::vector<BoxPair>> BoxIncident(
      const GraphBox& box) override;
  absl::StatusOr<PathAnswer> ShortestPath(const Point3& from, const Point3& to,
                                          uint32_t max_depth) override;

  // The peak resident memory of the server process serving the benchmark.
  std::map<std::string, double> ExtraResults() override {
    std::ifstream status(absl::StrCat("/proc/", backend_pid_, "/status"));
    std::string line;
    while (std::getline(status, line)) {
      if (line.starts_with("VmHWM:")) {
        return {{"server_rss_mb", std::atof(line.c_str() + 6) / 1024}};
      }
    }
    return {};
  }

 private:
  absl::Status Exec(const char* sql) {
    Result result(PQexec(conn_, sql));
    ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      return absl::OkStatus();
    }
    return Error(sql);
  }

  // BEGIN, each (COPY command, rows), COMMIT.
  absl::Status Transaction(
      const std::vector<std::pair<const char*, std::string>>& copies) {
    if (absl::Status s = Exec("BEGIN"); !s.ok()) return s;
    for (const auto& [command, rows] : copies) {
      Result start(PQexec(conn_, command));
      if (PQresultStatus(start.get()) != PGRES_COPY_IN) return Error(command);
      if (PQputCopyData(conn_, rows.data(), static_cast<int>(rows.size())) !=
              1 ||
          PQputCopyEnd(conn_, nullptr) != 1) {
        return Error(command);
      }
      Result end(PQgetResult(conn_));
      if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) return Error(command);
      while (PGresult* more = PQgetResult(conn_)) PQclear(more);
    }
    return Exec("COMMIT");
  }

  absl::StatusOr<Result> Query(const Prepared& statement,
                               const std::vector<std::string>& params) {
    const char* values[8];
    for (size_t i = 0; i < params.size(); ++i) values[i] = params[i].c_str();
    Result result(PQexecPrepared(conn_, statement.name,
                                 static_cast<int>(params.size()), values,
                                 nullptr, nullptr, 0));
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
      return Error(statement.name);
    }
    return result;
  }

  absl::Status Error(const std::string& what) {
    return absl::InternalError(
        absl::StrFormat("postgres %s: %s", what, PQerrorMessage(conn_)));
  }

  PostgresLauncher launcher_;
  PGconn* conn_ = nullptr;
  int64_t backend_pid_ = 0;
};

absl::StatusOr<std::vector<IncidentEdge>> GraphPostgresStore::Incident(
    const Point3& node) {
  absl::StatusOr<Result> result = Query(kIncident, Params(node));
  if (!result.ok()) return result.status();
  std::vector<IncidentEdge> edges;
  const Result& rows = *result;
  for (int row = 0; row < PQntuples(rows.get()); ++row) {
    uint64_t id = static_cast<uint64_t>(IntAt(rows, row, 0));
    if (edges.empty() || edges.back().id != id) {
      IncidentEdge edge;
      edge.id = id;
      edge.kind = PQgetvalue(rows.get(), row, 1);
      edge.directed = IntAt(rows, row, 2) != 0;
      edge.weight = IntAt(rows, row, 3);
      // bytea comes back in hex ("\x7461..."): decode it.
      std::string hex = PQgetvalue(rows.get(), row, 4), props;
      for (size_t i = 2; i + 1 < hex.size(); i += 2) {
        props.push_back(static_cast<char>(
            std::strtol(hex.substr(i, 2).c_str(), nullptr, 16)));
      }
      edge.tag = props.starts_with("tag=") ? props.substr(4) : props;
      edges.push_back(std::move(edge));
    }
    edges.back().endpoints.push_back(
        {Point3At(rows, row, 5), PQgetvalue(rows.get(), row, 8),
         static_cast<Polarity>(IntAt(rows, row, 9))});
  }
  return edges;
}

absl::StatusOr<std::vector<ReachedNode>> GraphPostgresStore::Traverse(
    const Point3& start, uint32_t depth) {
  std::vector<std::string> params = Params(start);
  params.push_back(absl::StrCat(depth));
  absl::StatusOr<Result> result = Query(kTraverse, params);
  if (!result.ok()) return result.status();
  std::vector<ReachedNode> nodes;
  for (int row = 0; row < PQntuples(result->get()); ++row) {
    nodes.push_back({Point3At(*result, row, 0),
                     static_cast<uint32_t>(IntAt(*result, row, 3))});
  }
  return nodes;
}

absl::StatusOr<std::vector<BoxPair>> GraphPostgresStore::BoxIncident(
    const GraphBox& box) {
  std::vector<std::string> params;
  for (int a = 0; a < 3; ++a) {
    params.push_back(absl::StrCat(box.min[a]));
    params.push_back(absl::StrCat(box.max[a]));
  }
  absl::StatusOr<Result> result = Query(kBox, params);
  if (!result.ok()) return result.status();
  std::vector<BoxPair> pairs;
  for (int row = 0; row < PQntuples(result->get()); ++row) {
    pairs.push_back({Point3At(*result, row, 0),
                     static_cast<uint64_t>(IntAt(*result, row, 3))});
  }
  return pairs;
}

absl::StatusOr<PathAnswer> GraphPostgresStore::ShortestPath(
    const Point3& from, const Point3& to, uint32_t max_depth) {
  return BidirectionalShortestPath(
      from, to, max_depth,
      [&](const std::vector<Point3>& frontier, std::vector<Point3>* out) {
        std::vector<std::string> arrays(3, "{");
        for (size_t i = 0; i < frontier.size(); ++i) {
          for (int a = 0; a < 3; ++a) {
            absl::StrAppend(&arrays[a], i == 0 ? "" : ",", frontier[i][a]);
          }
        }
        for (std::string& array : arrays) array += "}";
        absl::StatusOr<Result> result = Query(kNeighbors, arrays);
        if (!result.ok()) return result.status();
        for (int row = 0; row < PQntuples(result->get()); ++row) {
          out->push_back(Point3At(*result, row, 0));
        }
        return absl::OkStatus();
      });
}

}  // namespace

std::unique_ptr<GraphStore> NewGraphPostgresStore() {
  return std::make_unique<GraphPostgresStore>();
}

}  // namespace infinitedb::bench
