// The in-memory reference GraphStore: answers straight from the workload
// (adjacency lists of the points, breadth-first walks, a scan of every
// point for boxes), so that every system's verified answers can be checked
// against one that shares no code with them. Loading only remembers the
// workload; nothing is durable.
#include <deque>

#include "absl/container/flat_hash_map.h"
#include "bench/graph_store.h"

namespace infinitedb::bench {
namespace {

uint64_t PackPoint(const Point3& p) {
  return uint64_t{p[0]} | uint64_t{p[1]} << 21 | uint64_t{p[2]} << 42;
}

class GraphReferenceStore : public GraphStore {
 public:
  std::string name() const override { return "reference"; }
  absl::Status Create(const std::string& dir) override {
    return absl::OkStatus();
  }
  absl::Status LoadPoints(const GraphWorkload& workload, size_t first,
                          size_t count) override {
    workload_ = &workload;
    return absl::OkStatus();
  }
  absl::Status InsertEdges(const GraphWorkload& workload, size_t first,
                           size_t count) override {
    workload_ = &workload;
    edges_loaded_ = std::max(edges_loaded_, first + count);
    return absl::OkStatus();
  }
  absl::Status Flush() override {
    BuildIndex();
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<IncidentEdge>> Incident(
      const Point3& node) override {
    std::vector<IncidentEdge> edges;
    for (uint32_t e : EdgesOf(node)) {
      const WorkEdge& work = workload_->edges[e];
      const KindSpec& spec = kKindCatalogue[work.kind];
      IncidentEdge edge{CanonicalEdgeId(e), spec.kind,  spec.directed,
                        work.weight,        EdgeTag(e), {}};
      for (int i = 0; i < work.endpoint_count; ++i) {
        edge.endpoints.push_back({workload_->points[work.points[i]],
                                  EndpointRole(work, i),
                                  EndpointPolarity(work, i)});
      }
      edges.push_back(std::move(edge));
    }
    return edges;
  }

  absl::StatusOr<std::vector<ReachedNode>> Traverse(const Point3& start,
                                                    uint32_t depth) override {
    absl::flat_hash_map<uint32_t, uint32_t> levels = Walk(start, depth, {});
    std::vector<ReachedNode> nodes;
    for (const auto& [point, level] : levels) {
      nodes.push_back({workload_->points[point], level});
    }
    return nodes;
  }

  absl::StatusOr<std::vector<BoxPair>> BoxIncident(
      const GraphBox& box) override {
    std::vector<BoxPair> pairs;
    for (const Point3& p : workload_->points) {
      bool inside = true;
      for (int a = 0; a < 3; ++a) {
        inside = inside && p[a] >= box.min[a] && p[a] <= box.max[a];
      }
      if (!inside) continue;
      for (uint32_t e : EdgesOf(p)) pairs.push_back({p, CanonicalEdgeId(e)});
    }
    return pairs;
  }

  absl::StatusOr<PathAnswer> ShortestPath(const Point3& from, const Point3& to,
                                          uint32_t max_depth) override {
    absl::flat_hash_map<uint32_t, uint32_t> levels = Walk(from, max_depth, to);
    PathAnswer answer;
    auto it = index_.find(PackPoint(to));
    if (it == index_.end()) return answer;
    auto reached = levels.find(it->second);
    if (reached == levels.end()) return answer;
    answer.found = true;
    answer.length = reached->second;
    return answer;
  }

 private:
  void BuildIndex() {
    const size_t points = workload_->points.size();
    for (size_t i = 0; i < points; ++i) {
      index_[PackPoint(workload_->points[i])] = static_cast<uint32_t>(i);
    }
    incident_.assign(points, {});
    for (size_t e = 0; e < edges_loaded_; ++e) {
      const WorkEdge& work = workload_->edges[e];
      for (int i = 0; i < work.endpoint_count; ++i) {
        incident_[work.points[i]].push_back(static_cast<uint32_t>(e));
      }
    }
  }

  const std::vector<uint32_t>& EdgesOf(const Point3& node) const {
    static const std::vector<uint32_t> kNone;
    auto it = index_.find(PackPoint(node));
    return it == index_.end() ? kNone : incident_[it->second];
  }

  // Breadth-first levels of the points within `depth` edges of `start`,
  // stopping early once `stop` (if it is a point) is reached.
  absl::flat_hash_map<uint32_t, uint32_t> Walk(
      const Point3& start, uint32_t depth, std::optional<Point3> stop) const {
    absl::flat_hash_map<uint32_t, uint32_t> levels;
    auto it = index_.find(PackPoint(start));
    if (it == index_.end()) return levels;
    std::deque<uint32_t> queue = {it->second};
    levels[it->second] = 0;
    while (!queue.empty()) {
      uint32_t node = queue.front();
      queue.pop_front();
      uint32_t level = levels[node];
      if (stop && workload_->points[node] == *stop) break;
      if (level == depth) continue;
      for (uint32_t e : incident_[node]) {
        const WorkEdge& work = workload_->edges[e];
        for (int i = 0; i < work.endpoint_count; ++i) {
          if (levels.try_emplace(work.points[i], level + 1).second) {
            queue.push_back(work.points[i]);
          }
        }
      }
    }
    return levels;
  }

  const GraphWorkload* workload_ = nullptr;
  size_t edges_loaded_ = 0;
  absl::flat_hash_map<uint64_t, uint32_t> index_;  // packed point -> index
  std::vector<std::vector<uint32_t>> incident_;    // point -> edge indices
};

}  // namespace

std::unique_ptr<GraphStore> NewGraphReferenceStore() {
  return std::make_unique<GraphReferenceStore>();
}

}  // namespace infinitedb::bench
