#include "bench/graph_workload.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bench/workload.h"

namespace infinitedb::bench {
namespace {

// At most this many hubs, and at most one point in kPointsPerHub.
constexpr size_t kHubsMax = 1000;
constexpr size_t kPointsPerHub = 100;
// The share of endpoints that land on a hub; over 1,000 hubs with a Zipf
// exponent of 1 (3M endpoints), the first hubs reach degrees near 8,000,
// the tenth about 800.
constexpr double kHubProbability = 0.02;
// Traversal starts and path ends are points of at most this degree, so
// that the walks start from ordinary nodes (they still cross hubs).
constexpr uint32_t kStartDegreeMax = 8;
// Box sides: the cube root of the selectivity, of the axis range.
constexpr double kSmallBoxSelectivity = 0.0001;
constexpr double kLargeBoxSelectivity = 0.001;

double Uniform(SplitMix64& random) {
  return (random.Next() >> 11) * (1.0 / 9007199254740992.0);
}

class EndpointChooser {
 public:
  EndpointChooser(size_t point_count, size_t hubs)
      : point_count_(point_count), cumulative_(hubs) {
    double sum = 0;
    for (size_t rank = 0; rank < hubs; ++rank) {
      sum += 1.0 / (rank + 1);
      cumulative_[rank] = sum;
    }
    for (double& c : cumulative_) c /= sum;
  }

  uint32_t Choose(SplitMix64& random) const {
    if (!cumulative_.empty() && Uniform(random) < kHubProbability) {
      double u = Uniform(random);
      size_t rank =
          std::lower_bound(cumulative_.begin(), cumulative_.end(), u) -
          cumulative_.begin();
      return static_cast<uint32_t>(std::min(rank, cumulative_.size() - 1));
    }
    return static_cast<uint32_t>(random.Next() % point_count_);
  }

 private:
  size_t point_count_;
  std::vector<double> cumulative_;
};

WorkEdge MakeEdge(const EndpointChooser& chooser, SplitMix64& random) {
  WorkEdge edge;
  uint64_t shape = random.Next() % 10;
  edge.endpoint_count = shape < 5 ? 2 : shape < 8 ? 3 : 4;
  edge.kind = static_cast<uint8_t>(random.Next() % kKindCount);
  edge.weight = 1 + static_cast<int64_t>(random.Next() % 100);
  for (int i = 0; i < edge.endpoint_count; ++i) {
    uint32_t point;
    bool repeated;
    do {  // the endpoints of one edge are distinct points
      point = chooser.Choose(random);
      repeated = std::find(edge.points.begin(), edge.points.begin() + i,
                           point) != edge.points.begin() + i;
    } while (repeated);
    edge.points[i] = point;
  }
  return edge;
}

size_t PickNodeIndex(const GraphWorkload& workload, SplitMix64& random,
                     bool ordinary) {
  for (;;) {
    size_t index = random.Next() % workload.points.size();
    uint32_t degree = workload.degrees[index];
    if (degree == 0) continue;
    if (ordinary && (index < workload.hubs || degree > kStartDegreeMax)) {
      continue;
    }
    return index;
  }
}

Point3 PickNode(const GraphWorkload& workload, SplitMix64& random,
                bool ordinary) {
  return workload.points[PickNodeIndex(workload, random, ordinary)];
}

// Pairs (ordinary point, the end of a random walk of 1 to
// kPathWalkStepsMax edges from it, not the point itself).
std::vector<PathPair> WalkPairs(const GraphWorkload& workload, size_t count,
                                SplitMix64& random) {
  std::vector<std::vector<uint32_t>> incident(workload.points.size());
  for (size_t e = 0; e < workload.edges.size(); ++e) {
    const WorkEdge& edge = workload.edges[e];
    for (int i = 0; i < edge.endpoint_count; ++i) {
      incident[edge.points[i]].push_back(static_cast<uint32_t>(e));
    }
  }
  std::vector<PathPair> pairs;
  while (pairs.size() < count) {
    const size_t from = PickNodeIndex(workload, random, true);
    size_t at = from;
    const uint64_t steps = 1 + random.Next() % kPathWalkStepsMax;
    for (uint64_t step = 0; step < steps; ++step) {
      const std::vector<uint32_t>& edges = incident[at];
      const WorkEdge& edge =
          workload.edges[edges[random.Next() % edges.size()]];
      size_t next;
      do {  // another endpoint of the edge
        next = edge.points[random.Next() % edge.endpoint_count];
      } while (next == at);
      at = next;
    }
    if (at == from) continue;
    pairs.push_back({workload.points[from], workload.points[at]});
  }
  return pairs;
}

std::vector<GraphBox> MakeBoxes(double selectivity, size_t count,
                                SplitMix64& random) {
  uint32_t side =
      static_cast<uint32_t>(kCoordinateLimit * std::cbrt(selectivity));
  std::vector<GraphBox> boxes;
  for (size_t i = 0; i < count; ++i) {
    GraphBox box;
    for (int a = 0; a < 3; ++a) {
      box.min[a] =
          static_cast<uint32_t>(random.Next() % (kCoordinateLimit - side));
      box.max[a] = box.min[a] + side - 1;
    }
    boxes.push_back(box);
  }
  return boxes;
}

}  // namespace

GraphWorkload GenerateGraphWorkload(size_t point_count, size_t edge_count,
                                    uint64_t seed) {
  GraphWorkload workload;
  for (const Point& p : GeneratePoints(3, point_count, seed)) {
    workload.points.push_back({p[0], p[1], p[2]});
  }
  workload.hubs = std::min(kHubsMax, point_count / kPointsPerHub);
  EndpointChooser chooser(point_count, workload.hubs);
  SplitMix64 random(seed + 1);
  workload.edges.reserve(edge_count);
  workload.degrees.assign(point_count, 0);
  for (size_t i = 0; i < edge_count; ++i) {
    WorkEdge edge = MakeEdge(chooser, random);
    for (int e = 0; e < edge.endpoint_count; ++e) {
      ++workload.degrees[edge.points[e]];
    }
    workload.edges.push_back(edge);
  }
  return workload;
}

const char* EndpointRole(const WorkEdge& edge, int position) {
  const KindSpec& spec = kKindCatalogue[edge.kind];
  return position == 0 ? spec.first_role : spec.other_role;
}

Polarity EndpointPolarity(const WorkEdge& edge, int position) {
  if (!kKindCatalogue[edge.kind].directed) return Polarity::kNeutral;
  return position == 0 ? Polarity::kTail : Polarity::kHead;
}

std::string EdgeTag(size_t index) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "e%09zu", index);
  return buffer;
}

std::string PointValue(size_t index) { return ValueFor(index); }

GraphQueries MakeGraphQueries(const GraphWorkload& workload,
                              const QueryPlan& plan, uint64_t seed) {
  GraphQueries queries;
  SplitMix64 random(seed);
  for (size_t i = 0; i < plan.incident; ++i) {
    queries.incident_nodes.push_back(PickNode(workload, random, false));
  }
  for (size_t i = 0; i < plan.traversals; ++i) {
    queries.starts_2hop.push_back(PickNode(workload, random, true));
  }
  for (size_t i = 0; i < plan.traversals; ++i) {
    queries.starts_3hop.push_back(PickNode(workload, random, true));
  }
  queries.boxes_small = MakeBoxes(kSmallBoxSelectivity, plan.boxes, random);
  queries.boxes_large = MakeBoxes(kLargeBoxSelectivity, plan.boxes, random);
  if (plan.path_ends == PathEnds::kWalk) {
    queries.path_pairs = WalkPairs(workload, plan.paths, random);
  } else {
    for (size_t i = 0; i < plan.paths; ++i) {
      Point3 from = PickNode(workload, random, true);
      queries.path_pairs.push_back({from, PickNode(workload, random, true)});
    }
  }
  return queries;
}

}  // namespace infinitedb::bench
