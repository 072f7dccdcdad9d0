// What the graph benchmark (workload "graph-1m") asks of each system under
// test: load the points and the hyperedges of a GraphWorkload in durable
// commits, then answer incidence, k-hop traversal, box incidence and
// shortest-path queries, in canonical edge ids (graph_workload.h). The
// engine, SQLite, PostgreSQL and an in-memory reference implement it, each
// in its own file.
#ifndef INFINITEDB_BENCH_GRAPH_STORE_H_
#define INFINITEDB_BENCH_GRAPH_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/graph_workload.h"

namespace infinitedb::bench {

struct EndpointRow {
  Point3 point;
  std::string role;
  Polarity polarity = Polarity::kNeutral;
};

// An edge incident to the queried node, with all its endpoints.
struct IncidentEdge {
  uint64_t id = 0;
  std::string kind;
  bool directed = false;
  int64_t weight = 0;
  std::string tag;  // the "tag" property
  std::vector<EndpointRow> endpoints;
};

struct ReachedNode {
  Point3 node;
  uint32_t level = 0;  // the fewest edges from the start
};

struct BoxPair {
  Point3 point;
  uint64_t edge_id = 0;
};

struct PathAnswer {
  bool found = false;
  uint32_t length = 0;  // edges on the path when found
  // The path itself when the system returns it (else empty): nodes from ..
  // to and the edges between them.
  std::vector<Point3> nodes;
  std::vector<uint64_t> edges;
};

// One system under test. Not thread-safe: one client calls it.
class GraphStore {
 public:
  virtual ~GraphStore() = default;
  virtual std::string name() const = 0;
  // Creates an empty store in `dir`, an empty directory.
  virtual absl::Status Create(const std::string& dir) = 0;
  // The records of points [first, first + count): one durable commit.
  virtual absl::Status LoadPoints(const GraphWorkload& workload, size_t first,
                                  size_t count) = 0;
  // Edges [first, first + count): one durable commit.
  virtual absl::Status InsertEdges(const GraphWorkload& workload, size_t first,
                                   size_t count) = 0;
  // After ingest: moves everything written into the store's on-disk
  // structures and gathers what its planner needs (untimed).
  virtual absl::Status Flush() = 0;
  // Closes and reopens with empty caches (cold reads); by default
  // Unimplemented: the benchmark takes no cold figure of the store.
  virtual absl::Status Reopen() {
    return absl::UnimplementedError(name() + ": no cold figure is taken");
  }

  // The live edges touching `node`, each with all its endpoints.
  virtual absl::StatusOr<std::vector<IncidentEdge>> Incident(
      const Point3& node) = 0;
  // The nodes within `depth` edges of `start` (direction any), each with
  // its level; the start is level 0.
  virtual absl::StatusOr<std::vector<ReachedNode>> Traverse(const Point3& start,
                                                            uint32_t depth) = 0;
  // One pair per (point inside the inclusive box, edge touching it).
  virtual absl::StatusOr<std::vector<BoxPair>> BoxIncident(
      const GraphBox& box) = 0;
  // Fewest edges from `from` to `to` (direction any), if at most
  // `max_depth`.
  virtual absl::StatusOr<PathAnswer> ShortestPath(const Point3& from,
                                                  const Point3& to,
                                                  uint32_t max_depth) = 0;

  // Figures of the store's own for the report (e.g. a server's memory),
  // taken at the end of the run.
  virtual std::map<std::string, double> ExtraResults() { return {}; }
};

// Without `graph_cache`, the engine's graph cache is off
// ("infinitedb-nocache").
std::unique_ptr<GraphStore> NewGraphEngineStore(bool graph_cache);
std::unique_ptr<GraphStore> NewGraphSqliteStore();
std::unique_ptr<GraphStore> NewGraphPostgresStore();
// Answers from the workload itself, in memory: the reference every
// system's verified answers are compared with.
std::unique_ptr<GraphStore> NewGraphReferenceStore();

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_GRAPH_STORE_H_
