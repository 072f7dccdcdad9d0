// Exactness on random graphs against brute force, for endpoints of 1, 2, 3,
// 8 and 16 axes at full precision: incidence and degrees of every node, box
// incidence, k-hop traversal (plain and B-connected), shortest paths
// (fewest edges and least weight) and the cycle check. Part of the graph is
// sealed into segments and part stays in the memtable.
#include <gtest/gtest.h>

#include <random>

#include "engine/public/engine.h"
#include "tests/engine/graph/graph_reference.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

using testing::EdgeMap;

class GraphExactnessTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path();
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    dims_ = GetParam();
    ASSERT_TRUE(engine_->CreateSpace("s", dims_).ok());
    for (int i = 0; i < 60; ++i) {
      Point p(dims_);
      // Full-precision coordinates, with neighbours that differ only in low
      // bits and only in high bits.
      for (uint32_t& c : p) c = static_cast<uint32_t>(rng_());
      if (i % 3 == 1) p[dims_ - 1] = nodes_.back().point[dims_ - 1] ^ 1;
      if (i % 3 == 2) p[0] = nodes_.back().point[0] ^ 0x80000000u;
      nodes_.push_back({"s", p});
    }
  }

  void BuildGraph(int count, bool all_directed) {
    for (int i = 0; i < count; ++i) {
      Edge edge;
      edge.kind = i % 2 ? "k1" : "k2";
      edge.directed = all_directed || rng_() % 2;
      int endpoints = 2 + rng_() % 3;
      for (int j = 0; j < endpoints; ++j) {
        const NodeRef& node = nodes_[rng_() % nodes_.size()];
        Endpoint e{"s", node.point, j % 2 ? "r1" : "r2"};
        if (edge.directed)
          e.polarity = j == 0   ? Polarity::kTail
                       : j == 1 ? Polarity::kHead
                                : Polarity(1 + rng_() % 2);
        edge.endpoints.push_back(e);
      }
      edge.weight = 1 + rng_() % 9;
      auto put = engine_->PutEdge("main", edge);
      ASSERT_TRUE(put.ok()) << put.status();
      edge.id = put->edge_ids[0];
      edges_[edge.id] = edge;
      if (i == count / 2) ASSERT_TRUE(engine_->Flush().ok());
    }
  }

  ::infinitedb::testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::mt19937_64 rng_{7};
  int dims_ = 0;
  std::vector<NodeRef> nodes_;
  EdgeMap edges_;
};

TEST_P(GraphExactnessTest, IncidenceAndDegreesOfEveryNode) {
  BuildGraph(150, false);
  for (const NodeRef& node : nodes_) {
    for (Direction direction : {Direction::kAny, Direction::kOutgoing,
                                Direction::kIncoming, Direction::kNeutral}) {
      EdgeFilter filter{direction};
      std::set<EdgeId> got;
      auto page =
          engine_->Incident({{}, node, filter}, [&](const Incidence& i) {
            got.insert(i.edge.id);
            return true;
          });
      ASSERT_TRUE(page.ok()) << page.status();
      ASSERT_EQ(got, testing::RefIncident(edges_, node, filter));
    }
    auto degree = engine_->NodeDegree({{}, node, {}});
    ASSERT_TRUE(degree.ok());
    EXPECT_EQ(degree->total, testing::RefIncident(edges_, node, {}).size());
    EXPECT_EQ(
        degree->outgoing,
        testing::RefIncident(edges_, node, {Direction::kOutgoing}).size());
    EXPECT_EQ(
        degree->incoming,
        testing::RefIncident(edges_, node, {Direction::kIncoming}).size());
    EXPECT_EQ(degree->neutral,
              testing::RefIncident(edges_, node, {Direction::kNeutral}).size());
  }
}

TEST_P(GraphExactnessTest, BoxIncidence) {
  BuildGraph(150, false);
  for (int round = 0; round < 20; ++round) {
    Box box{Point(dims_), Point(dims_)};
    for (int axis = 0; axis < dims_; ++axis) {
      uint32_t a = static_cast<uint32_t>(rng_()),
               b = static_cast<uint32_t>(rng_());
      if (dims_ > 3 && axis >= 3) a = 0, b = UINT32_MAX;  // keep hits likely
      box.min[axis] = std::min(a, b);
      box.max[axis] = std::max(a, b);
    }
    std::set<std::pair<Point, EdgeId>> got, want;
    auto page =
        engine_->BoxIncident({{}, "s", box, {}}, [&](const Incidence& i) {
          got.insert({i.node.point, i.edge.id});
          return true;
        });
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& [id, edge] : edges_) {
      for (const Endpoint& e : edge.endpoints) {
        bool inside = true;
        for (int axis = 0; axis < dims_; ++axis) {
          inside = inside && e.point[axis] >= box.min[axis] &&
                   e.point[axis] <= box.max[axis];
        }
        if (inside) want.insert({e.point, id});
      }
    }
    ASSERT_EQ(got, want) << "round " << round;
  }
}

TEST_P(GraphExactnessTest, TraversalsAndPaths) {
  BuildGraph(120, false);
  for (int round = 0; round < 30; ++round) {
    const NodeRef& start = nodes_[rng_() % nodes_.size()];
    EdgeFilter filter{Direction(rng_() % 4)};
    TraverseRequest request{"main", 0, {start}, filter, 3};
    auto walk = engine_->Traverse(request);
    ASSERT_TRUE(walk.ok()) << walk.status();
    std::map<NodeRef, uint32_t> levels;
    for (const auto& reached : walk->nodes)
      levels[reached.node] = reached.level;
    ASSERT_EQ(levels, testing::RefLevels(edges_, {start}, filter, 3));

    const NodeRef& to = nodes_[rng_() % nodes_.size()];
    PathRequest path{"main", 0, start, to, filter};
    auto found = engine_->ShortestPath(path);
    auto distance = testing::RefDistance(edges_, start, to, filter, 64);
    if (!distance) {
      ASSERT_TRUE(absl::IsNotFound(found.status())) << found.status();
      continue;
    }
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_EQ(found->edges.size(), *distance);
    // Every step is a real step of the graph.
    for (size_t i = 0; i < found->edges.size(); ++i) {
      bool real = false;
      for (const auto& [id, next] :
           testing::RefSteps(edges_, found->nodes[i], filter)) {
        real = real || (id == found->edges[i] && next == found->nodes[i + 1]);
      }
      ASSERT_TRUE(real) << "step " << i;
    }
  }
}

TEST_P(GraphExactnessTest, WeightedPathsAndBConnectivity) {
  BuildGraph(100, true);
  for (int round = 0; round < 20; ++round) {
    const NodeRef& start = nodes_[rng_() % nodes_.size()];
    TraverseRequest request{"main",
                            0,
                            {start, nodes_[rng_() % nodes_.size()]},
                            {Direction::kOutgoing},
                            4};
    request.b_connectivity = true;
    auto walk = engine_->Traverse(request);
    ASSERT_TRUE(walk.ok()) << walk.status();
    std::map<NodeRef, uint32_t> levels;
    for (const auto& reached : walk->nodes)
      levels[reached.node] = reached.level;
    ASSERT_EQ(levels,
              testing::RefBLevels(edges_, request.starts, request.filter, 4));

    // Least weight by Bellman-Ford over the reference.
    const NodeRef& to = nodes_[rng_() % nodes_.size()];
    std::map<NodeRef, int64_t> best{{start, 0}};
    for (size_t pass = 0; pass < nodes_.size(); ++pass) {
      for (const auto& [node, cost] : std::map<NodeRef, int64_t>(best)) {
        for (const auto& [id, next] :
             testing::RefSteps(edges_, node, {Direction::kOutgoing})) {
          int64_t c = cost + *edges_.at(id).weight;
          if (!best.count(next) || c < best[next]) best[next] = c;
        }
      }
    }
    PathRequest path{"main", 0, start, to, {Direction::kOutgoing}, true, 1000};
    auto found = engine_->ShortestPath(path);
    if (!best.count(to)) {
      ASSERT_TRUE(absl::IsNotFound(found.status()));
      continue;
    }
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->total_weight, best[to]);
  }
}

TEST_P(GraphExactnessTest, CycleCheck) {
  // A chain is acyclic; closing it makes a cycle whose witness is real.
  std::vector<EdgeId> chain;
  for (size_t i = 0; i + 1 < 10; ++i) {
    Edge edge{0,
              "flows",
              {{"s", nodes_[i].point, "from", Polarity::kTail},
               {"s", nodes_[i + 1].point, "to", Polarity::kHead}},
              true};
    auto put = engine_->PutEdge("main", edge);
    ASSERT_TRUE(put.ok()) << put.status();
  }
  auto acyclic = engine_->FindCycle({"main", 0, {"flows"}});
  ASSERT_TRUE(acyclic.ok()) << acyclic.status();
  EXPECT_TRUE(acyclic->acyclic);
  Edge back{0,
            "flows",
            {{"s", nodes_[9].point, "from", Polarity::kTail},
             {"s", nodes_[3].point, "to", Polarity::kHead}},
            true};
  ASSERT_TRUE(engine_->PutEdge("main", back).ok());
  auto cyclic = engine_->FindCycle({"main", 0, {"flows"}});
  ASSERT_TRUE(cyclic.ok());
  ASSERT_FALSE(cyclic->acyclic);
  ASSERT_EQ(cyclic->nodes.size(), 7u);  // nodes 3..9
  ASSERT_EQ(cyclic->edges.size(), 7u);
  auto other_kind = engine_->FindCycle({"main", 0, {"other"}});
  ASSERT_TRUE(other_kind.ok());
  EXPECT_TRUE(other_kind->acyclic);
}

INSTANTIATE_TEST_SUITE_P(Dims, GraphExactnessTest,
                         ::testing::Values(1, 2, 3, 8, 16));

}  // namespace
}  // namespace infinitedb
