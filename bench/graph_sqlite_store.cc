// Peer: SQLite in WAL mode with synchronous=FULL and a 256 MiB page cache.
// Schema: points(id, x, y, z, value); edges(id INTEGER PRIMARY KEY, kind,
// directed, weight, props) with an index on kind; endpoints(edge_id, x, y,
// z, role, polarity) with indexes on (x, y, z, edge_id) for incidence and
// on edge_id, and an R*Tree (rtree_i32) over the endpoints' rowids for box
// incidence, which beats the composite index there by far (a box's x range
// alone spans about 5% of the index at 0.01%). Traversals are one
// recursive CTE each; shortest paths are iterative queries from the client
// (graph_sql_path.h), one neighbour query per frontier node.
#include <sqlite3.h>

#include "absl/strings/str_format.h"
#include "bench/graph_sql_path.h"
#include "bench/graph_store.h"
#include "bench/sqlite_exec.h"

namespace infinitedb::bench {
namespace {

enum Statement {
  kInsertPoint,
  kInsertEdge,
  kInsertEndpoint,
  kInsertRtree,
  kIncident,
  kTraverse,
  kBox,
  kNeighbors,
  kStatementCount
};

const char* const kSchema[] = {
    "CREATE TABLE points(id INTEGER PRIMARY KEY, x INT, y INT, z INT, "
    "value BLOB)",
    "CREATE TABLE edges(id INTEGER PRIMARY KEY, kind TEXT, directed INT, "
    "weight INT, props BLOB)",
    "CREATE TABLE endpoints(edge_id INT, x INT, y INT, z INT, role TEXT, "
    "polarity INT)",
    "CREATE INDEX edges_kind ON edges(kind)",
    "CREATE INDEX endpoints_xyz ON endpoints(x, y, z, edge_id)",
    "CREATE INDEX endpoints_edge ON endpoints(edge_id)",
    "CREATE VIRTUAL TABLE endpoints_rt USING rtree_i32(id, minx, maxx, miny, "
    "maxy, minz, maxz)",
};

const char* const kStatements[kStatementCount] = {
    "INSERT INTO points VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO edges VALUES(?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO endpoints VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO endpoints_rt VALUES(?1, ?2, ?2, ?3, ?3, ?4, ?4)",
    // kIncident: every endpoint of every edge at the point, by edge.
    "SELECT e.id, e.kind, e.directed, e.weight, e.props, p.x, p.y, p.z, "
    "p.role, p.polarity FROM endpoints s JOIN edges e ON e.id = s.edge_id "
    "JOIN endpoints p ON p.edge_id = s.edge_id "
    "WHERE s.x = ?1 AND s.y = ?2 AND s.z = ?3 ORDER BY e.id",
    // kTraverse: (node, level) rows, UNION dropping repeats of a pair; the
    // smallest level of each node is its answer.
    "WITH RECURSIVE walk(x, y, z, level) AS ("
    " SELECT ?1, ?2, ?3, 0"
    " UNION"
    " SELECT n.x, n.y, n.z, w.level + 1 FROM walk w"
    " JOIN endpoints s ON s.x = w.x AND s.y = w.y AND s.z = w.z"
    " JOIN endpoints n ON n.edge_id = s.edge_id"
    " WHERE w.level < ?4 AND (n.x <> w.x OR n.y <> w.y OR n.z <> w.z))"
    " SELECT x, y, z, MIN(level) FROM walk GROUP BY x, y, z",
    "SELECT p.x, p.y, p.z, p.edge_id FROM endpoints_rt r "
    "JOIN endpoints p ON p.rowid = r.id WHERE r.minx >= ?1 AND r.maxx <= ?2 "
    "AND r.miny >= ?3 AND r.maxy <= ?4 AND r.minz >= ?5 AND r.maxz <= ?6",
    "SELECT n.x, n.y, n.z FROM endpoints s "
    "JOIN endpoints n ON n.edge_id = s.edge_id "
    "WHERE s.x = ?1 AND s.y = ?2 AND s.z = ?3",
};

Point3 Point3At(sqlite3_stmt* statement, int column) {
  return {static_cast<uint32_t>(sqlite3_column_int64(statement, column)),
          static_cast<uint32_t>(sqlite3_column_int64(statement, column + 1)),
          static_cast<uint32_t>(sqlite3_column_int64(statement, column + 2))};
}

std::string TextAt(sqlite3_stmt* statement, int column) {
  const void* bytes = sqlite3_column_blob(statement, column);
  int size = sqlite3_column_bytes(statement, column);
  return bytes == nullptr ? ""
                          : std::string(static_cast<const char*>(bytes),
                                        static_cast<size_t>(size));
}

class GraphSqliteStore : public GraphStore {
 public:
  ~GraphSqliteStore() override { Close(); }
  std::string name() const override { return "sqlite"; }

  absl::Status Create(const std::string& dir) override {
    if (sqlite3_open((dir + "/graph.db").c_str(), &db_) != SQLITE_OK) {
      return Error("open");
    }
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
          "PRAGMA cache_size=-262144"}) {
      if (absl::Status s = Exec(pragma); !s.ok()) return s;
    }
    for (const char* sql : kSchema) {
      if (absl::Status s = Exec(sql); !s.ok()) return s;
    }
    for (int i = 0; i < kStatementCount; ++i) {
      if (sqlite3_prepare_v2(db_, kStatements[i], -1, &statements_[i],
                             nullptr) != SQLITE_OK) {
        return Error(kStatements[i]);
      }
    }
    return absl::OkStatus();
  }

  absl::Status LoadPoints(const GraphWorkload& workload, size_t first,
                          size_t count) override {
    if (absl::Status s = Exec("BEGIN"); !s.ok()) return s;
    sqlite3_stmt* insert = statements_[kInsertPoint];
    for (size_t i = first; i < first + count; ++i) {
      std::string value = PointValue(i);
      sqlite3_bind_int64(insert, 1, static_cast<int64_t>(i) + 1);
      BindPoint(insert, 2, workload.points[i]);
      sqlite3_bind_blob(insert, 5, value.data(), static_cast<int>(value.size()),
                        SQLITE_STATIC);
      if (absl::Status s = StepDone(insert); !s.ok()) return s;
    }
    return Exec("COMMIT");
  }

  absl::Status InsertEdges(const GraphWorkload& workload, size_t first,
                           size_t count) override {
    if (absl::Status s = Exec("BEGIN"); !s.ok()) return s;
    for (size_t i = first; i < first + count; ++i) {
      if (absl::Status s = InsertEdge(workload, i); !s.ok()) return s;
    }
    return Exec("COMMIT");
  }

  absl::Status Flush() override {
    if (absl::Status s = Exec("ANALYZE"); !s.ok()) return s;
    return Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  absl::StatusOr<std::vector<IncidentEdge>> Incident(
      const Point3& node) override;
  absl::StatusOr<std::vector<ReachedNode>> Traverse(const Point3& start,
                                                    uint32_t depth) override;
  absl::StatusOr<std::vector<BoxPair>> BoxIncident(
      const GraphBox& box) override;

  absl::StatusOr<PathAnswer> ShortestPath(const Point3& from, const Point3& to,
                                          uint32_t max_depth) override {
    return BidirectionalShortestPath(
        from, to, max_depth,
        [&](const std::vector<Point3>& frontier, std::vector<Point3>* out) {
          sqlite3_stmt* query = statements_[kNeighbors];
          for (const Point3& node : frontier) {
            BindPoint(query, 1, node);
            int rc;
            while ((rc = sqlite3_step(query)) == SQLITE_ROW) {
              out->push_back(Point3At(query, 0));
            }
            sqlite3_reset(query);
            if (rc != SQLITE_DONE) return Error("neighbors");
          }
          return absl::OkStatus();
        });
  }

 private:
  absl::Status InsertEdge(const GraphWorkload& workload, size_t index) {
    const WorkEdge& work = workload.edges[index];
    const KindSpec& spec = kKindCatalogue[work.kind];
    const int64_t id = static_cast<int64_t>(CanonicalEdgeId(index));
    const std::string props = "tag=" + EdgeTag(index);
    sqlite3_stmt* edge = statements_[kInsertEdge];
    sqlite3_bind_int64(edge, 1, id);
    sqlite3_bind_text(edge, 2, spec.kind, -1, SQLITE_STATIC);
    sqlite3_bind_int(edge, 3, spec.directed ? 1 : 0);
    sqlite3_bind_int64(edge, 4, work.weight);
    sqlite3_bind_blob(edge, 5, props.data(), static_cast<int>(props.size()),
                      SQLITE_STATIC);
    if (absl::Status s = StepDone(edge); !s.ok()) return s;
    sqlite3_stmt* endpoint = statements_[kInsertEndpoint];
    sqlite3_stmt* rtree = statements_[kInsertRtree];
    for (int e = 0; e < work.endpoint_count; ++e) {
      const Point3& point = workload.points[work.points[e]];
      sqlite3_bind_int64(endpoint, 1, id);
      BindPoint(endpoint, 2, point);
      sqlite3_bind_text(endpoint, 5, EndpointRole(work, e), -1, SQLITE_STATIC);
      sqlite3_bind_int(endpoint, 6,
                       static_cast<int>(EndpointPolarity(work, e)));
      if (absl::Status s = StepDone(endpoint); !s.ok()) return s;
      sqlite3_bind_int64(rtree, 1, sqlite3_last_insert_rowid(db_));
      BindPoint(rtree, 2, point);
      if (absl::Status s = StepDone(rtree); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  static void BindPoint(sqlite3_stmt* statement, int first,
                        const Point3& point) {
    for (int a = 0; a < 3; ++a)
      sqlite3_bind_int64(statement, first + a, point[a]);
  }

  absl::Status StepDone(sqlite3_stmt* statement) {
    int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    return rc == SQLITE_DONE ? absl::OkStatus() : Error("insert");
  }

  void Close() {
    for (sqlite3_stmt*& statement : statements_) {
      if (statement != nullptr) sqlite3_finalize(statement);
      statement = nullptr;
    }
    if (db_ != nullptr) sqlite3_close(db_);
    db_ = nullptr;
  }

  absl::Status Exec(const std::string& sql) { return SqliteExec(db_, sql); }

  absl::Status Error(const std::string& what) {
    return absl::InternalError(
        absl::StrFormat("sqlite %s: %s", what, sqlite3_errmsg(db_)));
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* statements_[kStatementCount] = {};
};

absl::StatusOr<std::vector<IncidentEdge>> GraphSqliteStore::Incident(
    const Point3& node) {
  sqlite3_stmt* query = statements_[kIncident];
  BindPoint(query, 1, node);
  std::vector<IncidentEdge> edges;
  int rc;
  while ((rc = sqlite3_step(query)) == SQLITE_ROW) {
    uint64_t id = static_cast<uint64_t>(sqlite3_column_int64(query, 0));
    if (edges.empty() || edges.back().id != id) {
      IncidentEdge edge;
      edge.id = id;
      edge.kind = TextAt(query, 1);
      edge.directed = sqlite3_column_int(query, 2) != 0;
      edge.weight = sqlite3_column_int64(query, 3);
      std::string props = TextAt(query, 4);
      edge.tag = props.starts_with("tag=") ? props.substr(4) : props;
      edges.push_back(std::move(edge));
    }
    edges.back().endpoints.push_back(
        {Point3At(query, 5), TextAt(query, 8),
         static_cast<Polarity>(sqlite3_column_int(query, 9))});
  }
  sqlite3_reset(query);
  if (rc != SQLITE_DONE) return Error("incident");
  return edges;
}

absl::StatusOr<std::vector<ReachedNode>> GraphSqliteStore::Traverse(
    const Point3& start, uint32_t depth) {
  sqlite3_stmt* query = statements_[kTraverse];
  BindPoint(query, 1, start);
  sqlite3_bind_int(query, 4, static_cast<int>(depth));
  std::vector<ReachedNode> nodes;
  int rc;
  while ((rc = sqlite3_step(query)) == SQLITE_ROW) {
    nodes.push_back({Point3At(query, 0),
                     static_cast<uint32_t>(sqlite3_column_int(query, 3))});
  }
  sqlite3_reset(query);
  if (rc != SQLITE_DONE) return Error("traverse");
  return nodes;
}

absl::StatusOr<std::vector<BoxPair>> GraphSqliteStore::BoxIncident(
    const GraphBox& box) {
  sqlite3_stmt* query = statements_[kBox];
  for (int a = 0; a < 3; ++a) {
    sqlite3_bind_int64(query, 1 + 2 * a, box.min[a]);
    sqlite3_bind_int64(query, 2 + 2 * a, box.max[a]);
  }
  std::vector<BoxPair> pairs;
  int rc;
  while ((rc = sqlite3_step(query)) == SQLITE_ROW) {
    pairs.push_back({Point3At(query, 0),
                     static_cast<uint64_t>(sqlite3_column_int64(query, 3))});
  }
  sqlite3_reset(query);
  if (rc != SQLITE_DONE) return Error("box");
  return pairs;
}

}  // namespace

std::unique_ptr<GraphStore> NewGraphSqliteStore() {
  return std::make_unique<GraphSqliteStore>();
}

}  // namespace infinitedb::bench
