// The graph's vocabulary: hyperedges between points of spaces, the writes
// that change them, and the requests and answers of the graph queries
// (incidence, box incidence, edges by kind, degrees, traversal, shortest
// path, cycles). Engine (engine.h) has the methods that take them.
//
// A hyperedge links two or more endpoints; an endpoint is a point of a
// space with a role and, on a directed edge, a polarity (tail or head).
// Edges live on branches and have revisions and tombstones exactly like
// records: every read takes a branch and an as_of revision.
#ifndef INFINITEDB_ENGINE_PUBLIC_GRAPH_H_
#define INFINITEDB_ENGINE_PUBLIC_GRAPH_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "engine/public/types.h"

namespace infinitedb {

using EdgeId = uint64_t;

enum class Polarity : uint8_t {
  kNeutral = 0,  // the only polarity of an undirected edge's endpoints
  kTail = 1,     // a directed edge leaves its tails ...
  kHead = 2,     // ... and enters its heads
};

struct Endpoint {
  std::string space;
  Point point;  // full precision on every axis of the space
  std::string role;
  Polarity polarity = Polarity::kNeutral;
};

// An endpoint's place, without role: a node of the graph.
struct NodeRef {
  std::string space;
  Point point;
  friend bool operator==(const NodeRef&, const NodeRef&) = default;
  friend auto operator<=>(const NodeRef&, const NodeRef&) = default;
};

struct Edge {
  // 0 on a put: the engine assigns a new id (node id << 40 | a durable
  // counter), unique across servers with distinct node ids.
  EdgeId id = 0;
  std::string kind;  // e.g. "beam.bears_on"
  std::vector<Endpoint> endpoints;
  bool directed = false;
  std::optional<int64_t> weight;
  std::map<std::string, std::string> properties;
  std::string payload;  // opaque bytes
  // Set on reads: the commit that wrote this version; `deleted` marks a
  // tombstone in History.
  CommitStamp stamp;
  bool deleted = false;
};

struct EdgeMutation {
  enum class Kind { kPut, kDelete };
  Kind kind = Kind::kPut;
  // The whole edge for a put (it replaces any earlier version); only
  // edge.id for a delete.
  Edge edge;
  // A precondition like Mutation::if_revision: the edge's current live
  // version must have this revision (0 = it has none).
  std::optional<Revision> if_revision;

  static EdgeMutation Put(Edge edge) {
    return {Kind::kPut, std::move(edge), std::nullopt};
  }
  static EdgeMutation Delete(EdgeId id) {
    EdgeMutation mutation{Kind::kDelete, {}, std::nullopt};
    mutation.edge.id = id;
    return mutation;
  }
};

// A declared kind of edge (Engine::DeclareKind): whether its edges are
// directed and which roles their endpoints may have (empty = any).
// EngineOptions::unknown_edge_labels says what happens to an edge whose
// kind is not declared, or whose role is not one of its kind's.
struct KindDeclaration {
  std::string kind;
  bool directed = false;
  std::vector<std::string> roles;
};

// Records and edges written as one commit: all or nothing.
struct WriteBatch {
  std::vector<Mutation> records;
  std::vector<EdgeMutation> edges;
};

struct WriteResult {
  CommitStamp stamp;
  // The id of each edge mutation, in order (assigned ones included).
  std::vector<EdgeId> edge_ids;
};

// Which incident edges of a node to take, seen from the node.
enum class Direction {
  kAny,       // every edge
  kOutgoing,  // directed edges where the node is a tail
  kIncoming,  // directed edges where the node is a head
  kNeutral,   // undirected edges
};

struct EdgeFilter {
  Direction direction = Direction::kAny;
  std::vector<std::string> kinds;  // empty = every kind
  // For incidence: the node's own role on the edge. For traversal: the role
  // of the endpoint walked to. Empty = every role.
  std::vector<std::string> roles;
};

// The reads' common part. as_of 0 = the newest revision; a cursor pins the
// revision of its first page. limit 0 = no limit; when the limit cuts an
// answer short, next_cursor resumes it.
struct GraphRead {
  std::string branch = kMainBranch;
  Revision as_of = 0;
  uint64_t limit = 0;
  std::string cursor;
};

struct IncidentRequest {
  GraphRead read;
  NodeRef node;
  EdgeFilter filter;
};

struct BoxIncidentRequest {
  GraphRead read;
  std::string space;
  Box box;
  EdgeFilter filter;
};

struct KindRequest {
  GraphRead read;
  std::string kind;
};

// One edge seen from one of its nodes: the roles and polarities it has
// there (an edge may touch one point with several roles).
struct Incidence {
  NodeRef node;
  std::vector<std::pair<std::string, Polarity>> roles;
  Edge edge;
};

// Receives the answers of a graph read; returns false to stop early.
using IncidenceVisitor = absl::FunctionRef<bool(const Incidence&)>;
using EdgeVisitor = absl::FunctionRef<bool(const Edge&)>;

struct GraphPage {
  Revision revision = 0;    // the revision the read used
  uint64_t count = 0;       // answers visited
  std::string next_cursor;  // empty when the answer is complete
};

// Degree of a node, counted from the endpoint index alone (an edge counts
// once per node even when it touches the node with several roles).
struct Degree {
  Revision revision = 0;
  uint64_t total = 0;
  uint64_t outgoing = 0;  // directed edges where the node is a tail
  uint64_t incoming = 0;  // directed edges where the node is a head
  uint64_t neutral = 0;   // undirected edges
};

struct TraverseRequest {
  std::string branch = kMainBranch;
  Revision as_of = 0;
  std::vector<NodeRef> starts;
  EdgeFilter filter;  // direction, kinds, and roles walked to
  uint32_t max_depth = 1;
  uint64_t max_nodes = 100'000;  // stop (truncated) past this many nodes
  // B-connectivity (directed edges, direction kOutgoing): an edge's heads
  // are reached only once every tail of the edge is reached.
  bool b_connectivity = false;
};

struct TraverseResult {
  Revision revision = 0;
  struct Reached {
    NodeRef node;
    uint32_t level = 0;  // 0 for the starts
  };
  struct Walked {
    EdgeId edge = 0;
    uint32_t level = 0;  // the level of the nodes it reached
  };
  std::vector<Reached> nodes;  // in BFS order
  std::vector<Walked> edges;   // each edge once, when first walked
  bool truncated = false;      // max_nodes cut the walk short
};

struct PathRequest {
  std::string branch = kMainBranch;
  Revision as_of = 0;
  NodeRef from;
  NodeRef to;
  EdgeFilter filter;
  // Fewest edges when false; least total weight when true (an edge without
  // a weight weighs 1; a negative weight is FailedPrecondition).
  bool weighted = false;
  uint32_t max_depth = 64;  // most edges on the path
};

struct PathResult {
  Revision revision = 0;
  std::vector<NodeRef> nodes;  // from .. to
  std::vector<EdgeId> edges;   // nodes.size() - 1 of them
  int64_t total_weight = 0;    // the number of edges when not weighted
};

struct CycleRequest {
  std::string branch = kMainBranch;
  Revision as_of = 0;
  std::vector<std::string> kinds;  // empty = every kind
};

// Acyclicity over the directed edges of the chosen kinds (tail -> head).
struct CycleResult {
  Revision revision = 0;
  bool acyclic = true;
  // One cycle when there is one: nodes[i] -edges[i]-> nodes[i+1], and the
  // last edge leads back to nodes[0].
  std::vector<NodeRef> nodes;
  std::vector<EdgeId> edges;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_GRAPH_H_
