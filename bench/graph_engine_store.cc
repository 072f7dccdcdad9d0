// InfiniteDB's engine as a GraphStore: default options (sync durability,
// 256 MiB block cache, 128 MiB graph cache), the points as records of the 3-D
// space "site", the edges written through Engine::Write with ids the engine
// assigns (kept in a map to and from the canonical ids), the queries through
// Incident, Traverse, BoxIncident and ShortestPath.
#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "bench/graph_store.h"
#include "engine/public/engine.h"

namespace infinitedb::bench {
namespace {

// Large enough that no traversal of the workload is cut short.
constexpr uint64_t kTraverseNodesMax = 1'000'000;

Point ToPoint(const Point3& p) { return {p[0], p[1], p[2]}; }
Point3 ToPoint3(const Point& p) { return {p[0], p[1], p[2]}; }
NodeRef Node(const Point3& p) { return {kGraphSpace, ToPoint(p)}; }

class GraphEngineStore : public GraphStore {
 public:
  explicit GraphEngineStore(bool graph_cache) {
    if (!graph_cache) options_.graph_cache_bytes = 0;
  }
  std::string name() const override {
    return options_.graph_cache_bytes != 0 ? "infinitedb"
                                           : "infinitedb-nocache";
  }

  absl::Status Create(const std::string& dir) override {
    options_.data_dir = dir;
    if (absl::Status s = Open(); !s.ok()) return s;
    return engine_->CreateSpace(kGraphSpace, 3).status();
  }

  absl::Status LoadPoints(const GraphWorkload& workload, size_t first,
                          size_t count) override {
    std::vector<Point> points;
    std::vector<std::string> values;
    for (size_t i = first; i < first + count; ++i) {
      points.push_back(ToPoint(workload.points[i]));
      values.push_back(PointValue(i));
    }
    std::vector<MutationView> batch(count);
    for (size_t i = 0; i < count; ++i) {
      batch[i] = {Mutation::Kind::kPut, kGraphSpace, &points[i], values[i]};
    }
    return engine_->Batch(kMainBranch, std::span<const MutationView>(batch))
        .status();
  }

  absl::Status InsertEdges(const GraphWorkload& workload, size_t first,
                           size_t count) override {
    WriteBatch batch;
    batch.edges.reserve(count);
    for (size_t i = first; i < first + count; ++i) {
      batch.edges.push_back(EdgeMutation::Put(MakeEdge(workload, i)));
    }
    absl::StatusOr<WriteResult> result = engine_->Write(kMainBranch, batch);
    if (!result.ok()) return result.status();
    for (size_t i = 0; i < count; ++i) {
      canonical_ids_[result->edge_ids[i]] = CanonicalEdgeId(first + i);
    }
    return absl::OkStatus();
  }

  absl::Status Flush() override { return engine_->Flush(); }

  absl::Status Reopen() override {
    engine_.reset();
    return Open();
  }

  absl::StatusOr<std::vector<IncidentEdge>> Incident(
      const Point3& node) override {
    IncidentRequest request;
    request.node = Node(node);
    std::vector<IncidentEdge> edges;
    absl::StatusOr<GraphPage> page =
        engine_->Incident(request, [&](const Incidence& incidence) {
          edges.push_back(ToIncidentEdge(incidence.edge));
          return true;
        });
    if (!page.ok()) return page.status();
    return edges;
  }

  absl::StatusOr<std::vector<ReachedNode>> Traverse(const Point3& start,
                                                    uint32_t depth) override {
    TraverseRequest request;
    request.starts = {Node(start)};
    request.max_depth = depth;
    request.max_nodes = kTraverseNodesMax;
    absl::StatusOr<TraverseResult> result = engine_->Traverse(request);
    if (!result.ok()) return result.status();
    if (result->truncated) {
      return absl::ResourceExhaustedError("traversal truncated");
    }
    std::vector<ReachedNode> nodes;
    nodes.reserve(result->nodes.size());
    for (const TraverseResult::Reached& reached : result->nodes) {
      nodes.push_back({ToPoint3(reached.node.point), reached.level});
    }
    return nodes;
  }

  absl::StatusOr<std::vector<BoxPair>> BoxIncident(
      const GraphBox& box) override {
    BoxIncidentRequest request;
    request.space = kGraphSpace;
    request.box = Box{ToPoint(box.min), ToPoint(box.max)};
    std::vector<BoxPair> pairs;
    absl::StatusOr<GraphPage> page =
        engine_->BoxIncident(request, [&](const Incidence& incidence) {
          pairs.push_back(
              {ToPoint3(incidence.node.point), Canonical(incidence.edge.id)});
          return true;
        });
    if (!page.ok()) return page.status();
    return pairs;
  }

  absl::StatusOr<PathAnswer> ShortestPath(const Point3& from, const Point3& to,
                                          uint32_t max_depth) override {
    PathRequest request;
    request.from = Node(from);
    request.to = Node(to);
    request.max_depth = max_depth;
    absl::StatusOr<PathResult> result = engine_->ShortestPath(request);
    PathAnswer answer;
    if (absl::IsNotFound(result.status())) return answer;
    if (!result.ok()) return result.status();
    answer.found = true;
    answer.length = static_cast<uint32_t>(result->edges.size());
    for (const NodeRef& node : result->nodes) {
      answer.nodes.push_back(ToPoint3(node.point));
    }
    for (EdgeId id : result->edges) answer.edges.push_back(Canonical(id));
    return answer;
  }

  // The state of the caches and the segments after the warm queries.
  std::map<std::string, double> ExtraResults() override {
    EngineStats stats = engine_->Stats();
    return {{"engine_cache_mb", stats.cache_bytes / 1e6},
            {"engine_cache_blocks", static_cast<double>(stats.cache_blocks)},
            {"engine_graph_cache_mb", stats.graph_cache_bytes / 1e6},
            {"engine_graph_cache_hit_pct",
             100.0 * stats.graph_cache_hits /
                 std::max<uint64_t>(
                     1, stats.graph_cache_hits + stats.graph_cache_misses)},
            {"engine_segments", static_cast<double>(stats.segments)},
            {"engine_blocks", static_cast<double>(stats.blocks)}};
  }

 private:
  absl::Status Open() {
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options_);
    if (!engine.ok()) return engine.status();
    engine_ = std::move(*engine);
    return absl::OkStatus();
  }

  static Edge MakeEdge(const GraphWorkload& workload, size_t index) {
    const WorkEdge& work = workload.edges[index];
    Edge edge;
    edge.kind = kKindCatalogue[work.kind].kind;
    edge.directed = kKindCatalogue[work.kind].directed;
    edge.weight = work.weight;
    edge.properties["tag"] = EdgeTag(index);
    for (int e = 0; e < work.endpoint_count; ++e) {
      edge.endpoints.push_back(
          {kGraphSpace, ToPoint(workload.points[work.points[e]]),
           EndpointRole(work, e), EndpointPolarity(work, e)});
    }
    return edge;
  }

  // 0 for an id the benchmark did not write (a mismatch shows it).
  uint64_t Canonical(EdgeId id) const {
    auto it = canonical_ids_.find(id);
    return it == canonical_ids_.end() ? 0 : it->second;
  }

  IncidentEdge ToIncidentEdge(const Edge& edge) const {
    IncidentEdge out;
    out.id = Canonical(edge.id);
    out.kind = edge.kind;
    out.directed = edge.directed;
    out.weight = edge.weight.value_or(0);
    auto tag = edge.properties.find("tag");
    if (tag != edge.properties.end()) out.tag = tag->second;
    for (const Endpoint& endpoint : edge.endpoints) {
      out.endpoints.push_back(
          {ToPoint3(endpoint.point), endpoint.role, endpoint.polarity});
    }
    return out;
  }

  EngineOptions options_;
  std::unique_ptr<Engine> engine_;
  // Engine id -> canonical id, filled as the edges are written.
  absl::flat_hash_map<EdgeId, uint64_t> canonical_ids_;
};

}  // namespace

std::unique_ptr<GraphStore> NewGraphEngineStore(bool graph_cache) {
  return std::make_unique<GraphEngineStore>(graph_cache);
}

}  // namespace infinitedb::bench
