// The graph against an in-memory reference: random edge puts (assigned and
// client ids), deletes, batches with records, branches, flushes and
// reopenings; after each step, every query at random branches and
// revisions must match the reference exactly.
#include <gtest/gtest.h>

#include <random>

#include "engine/public/engine.h"
#include "tests/engine/graph/graph_reference.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

using testing::EdgeMap;

struct Snapshots {
  Revision fork = 0;
  std::vector<std::pair<Revision, EdgeMap>> states;  // ascending
  const EdgeMap& At(Revision revision) const {
    const EdgeMap* found = &states.front().second;
    for (const auto& [at, state] : states) {
      if (at <= revision) found = &state;
    }
    return *found;
  }
};

class GraphModelTest : public ::testing::Test {
 protected:
  void Open() {
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_.path();
    options.memtable_bytes_max = 64 << 10;  // seal often
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  Point RandomPoint(int dims) {
    Point p(dims);
    for (uint32_t& c : p) c = rng_() % 4;  // few points: shared endpoints
    return p;
  }
  NodeRef RandomNode() {
    int which = rng_() % 2;
    return NodeRef{which ? "a" : "b", RandomPoint(which ? 2 : 3)};
  }
  Edge RandomEdge() {
    Edge edge;
    edge.kind = kKinds[rng_() % 3];
    edge.directed = rng_() % 2;
    int count = 2 + rng_() % 3;
    for (int i = 0; i < count; ++i) {
      NodeRef node = RandomNode();
      Endpoint e{node.space, node.point, kRoles[rng_() % 3]};
      if (edge.directed)
        e.polarity = i == 0   ? Polarity::kTail
                     : i == 1 ? Polarity::kHead
                              : Polarity(rng_() % 3);
      edge.endpoints.push_back(e);
    }
    if (rng_() % 2) edge.weight = rng_() % 5;
    if (rng_() % 3 == 0) edge.properties["note"] = std::to_string(rng_());
    return edge;
  }
  EdgeFilter RandomFilter() {
    EdgeFilter filter;
    filter.direction = Direction(rng_() % 4);
    if (rng_() % 3 == 0) filter.kinds = {kKinds[rng_() % 3]};
    if (rng_() % 4 == 0) filter.roles = {kRoles[rng_() % 3]};
    return filter;
  }

  void Step();
  void CheckAt(const std::string& branch, Revision revision);

  static constexpr const char* kKinds[] = {"beam.bears_on", "wall.joins",
                                           "pipe.feeds"};
  static constexpr const char* kRoles[] = {"beam", "column", "end"};
  ::infinitedb::testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::mt19937_64 rng_{20261202};
  std::map<std::string, Snapshots> branches_;
};

void GraphModelTest::Step() {
  std::vector<std::string> names;
  for (const auto& [name, s] : branches_) names.push_back(name);
  const std::string branch = names[rng_() % names.size()];
  EdgeMap state = branches_[branch].states.back().second;
  WriteBatch batch;
  int ops = 1 + rng_() % 4;
  for (int i = 0; i < ops; ++i) {
    int choice = rng_() % 10;
    if (choice < 4 || state.empty()) {
      batch.edges.push_back(EdgeMutation::Put(RandomEdge()));  // new id
    } else if (choice < 7) {
      Edge edge = RandomEdge();
      edge.id = std::next(state.begin(), rng_() % state.size())->first;
      batch.edges.push_back(EdgeMutation::Put(edge));
    } else if (choice < 9) {
      EdgeId id = std::next(state.begin(), rng_() % state.size())->first;
      batch.edges.push_back(EdgeMutation::Delete(id));
      state.erase(id);  // not picked again by this batch
    } else {
      batch.records.push_back(
          Mutation::Put("a", RandomPoint(2), std::to_string(rng_())));
    }
  }
  // The expected state: the batch applied in order.
  state = branches_[branch].states.back().second;
  bool valid = true;
  for (const EdgeMutation& m : batch.edges) {
    if (m.kind == EdgeMutation::Kind::kDelete && !state.count(m.edge.id)) {
      valid = false;
    }
    if (m.kind == EdgeMutation::Kind::kDelete) state.erase(m.edge.id);
    if (m.kind == EdgeMutation::Kind::kPut && m.edge.id != 0) {
      state[m.edge.id] = m.edge;
    }
  }
  auto result = engine_->Write(branch, batch);
  if (!valid) {
    ASSERT_TRUE(absl::IsNotFound(result.status())) << result.status();
    return;
  }
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->edge_ids.size(), batch.edges.size());
  for (size_t i = 0; i < batch.edges.size(); ++i) {
    if (batch.edges[i].kind == EdgeMutation::Kind::kPut &&
        batch.edges[i].edge.id == 0) {
      ASSERT_EQ(state.count(result->edge_ids[i]), 0u) << "an id was reused";
      Edge edge = batch.edges[i].edge;
      edge.id = result->edge_ids[i];
      state[edge.id] = edge;
    }
  }
  branches_[branch].states.push_back({result->stamp.revision, state});
}

void GraphModelTest::CheckAt(const std::string& branch, Revision revision) {
  const EdgeMap& state = branches_[branch].At(revision);
  SCOPED_TRACE(branch + " @" + std::to_string(revision));
  for (int i = 0; i < 4; ++i) {
    NodeRef node = RandomNode();
    EdgeFilter filter = RandomFilter();
    IncidentRequest request{{branch, revision}, node, filter};
    std::set<EdgeId> got;
    auto page = engine_->Incident(request, [&](const Incidence& incidence) {
      got.insert(incidence.edge.id);
      EXPECT_EQ(incidence.edge.kind, state.at(incidence.edge.id).kind);
      EXPECT_EQ(incidence.edge.endpoints.size(),
                state.at(incidence.edge.id).endpoints.size());
      return true;
    });
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(got, testing::RefIncident(state, node, filter));
    auto degree = engine_->NodeDegree(request);
    ASSERT_TRUE(degree.ok()) << degree.status();
    EXPECT_EQ(degree->total, got.size());
  }
  for (const char* kind : kKinds) {
    std::set<EdgeId> got, want;
    auto page =
        engine_->EdgesByKind({{branch, revision}, kind}, [&](const Edge& edge) {
          got.insert(edge.id);
          return true;
        });
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& [id, edge] : state) {
      if (edge.kind == kind) want.insert(id);
    }
    ASSERT_EQ(got, want) << kind;
  }
  for (const auto& [id, edge] : state) {
    auto got = engine_->GetEdge({branch, revision}, id);
    ASSERT_TRUE(got.ok() && got->has_value()) << id;
    EXPECT_EQ((*got)->kind, edge.kind);
    EXPECT_EQ((*got)->weight, edge.weight);
    EXPECT_EQ((*got)->properties, edge.properties);
  }
  Box box{{rng_() % 4, rng_() % 4}, {0, 0}};
  box.max = {box.min[0] + static_cast<uint32_t>(rng_() % 3),
             box.min[1] + static_cast<uint32_t>(rng_() % 3)};
  std::set<std::pair<Point, EdgeId>> touching, want;
  auto page = engine_->BoxIncident(
      {{branch, revision}, "a", box, {}}, [&](const Incidence& incidence) {
        touching.insert({incidence.node.point, incidence.edge.id});
        return true;
      });
  ASSERT_TRUE(page.ok()) << page.status();
  for (const auto& [id, edge] : state) {
    for (const Endpoint& e : edge.endpoints) {
      if (e.space == "a" && e.point[0] >= box.min[0] &&
          e.point[0] <= box.max[0] && e.point[1] >= box.min[1] &&
          e.point[1] <= box.max[1]) {
        want.insert({e.point, id});
      }
    }
  }
  ASSERT_EQ(touching, want);
  PathRequest path{branch, revision, RandomNode(), RandomNode(),
                   RandomFilter()};
  path.max_depth = 4;
  auto found = engine_->ShortestPath(path);
  std::optional<uint32_t> distance = testing::RefDistance(
      state, path.from, path.to, path.filter, path.max_depth);
  if (!distance) {
    EXPECT_TRUE(absl::IsNotFound(found.status())) << found.status();
  } else {
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->edges.size(), *distance);
    EXPECT_EQ(found->nodes.front(), path.from);
    EXPECT_EQ(found->nodes.back(), path.to);
  }
  TraverseRequest traverse{branch, revision, {RandomNode()}, RandomFilter(), 2};
  auto walk = engine_->Traverse(traverse);
  ASSERT_TRUE(walk.ok()) << walk.status();
  std::map<NodeRef, uint32_t> levels;
  for (const auto& reached : walk->nodes) levels[reached.node] = reached.level;
  EXPECT_EQ(levels, testing::RefLevels(state, traverse.starts, traverse.filter,
                                       traverse.max_depth));
}

TEST_F(GraphModelTest, MatchesTheReferenceAcrossBranchesAndReopens) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("a", 2).ok());
  ASSERT_TRUE(engine_->CreateSpace("b", 3).ok());
  branches_["main"].states.push_back({0, {}});
  for (int step = 0; step < 300; ++step) {
    ASSERT_NO_FATAL_FAILURE(Step());
    if (step % 60 == 30) {
      std::string name = "alt" + std::to_string(step);
      ASSERT_TRUE(engine_->CreateBranch(name, "main").ok());
      Revision fork = engine_->CurrentRevision();
      branches_[name].fork = fork;
      branches_[name].states.push_back({fork, branches_["main"].At(fork)});
    }
    if (step % 97 == 50) Open();
    if (step % 41 == 20) ASSERT_TRUE(engine_->Flush().ok());
    if (step % 10 == 9) {
      Revision now = engine_->CurrentRevision();
      for (const auto& [name, snapshots] : branches_) {
        Revision at = snapshots.fork + rng_() % (now - snapshots.fork + 1);
        ASSERT_NO_FATAL_FAILURE(CheckAt(name, at == 0 ? now : at));
      }
    }
  }
}

}  // namespace
}  // namespace infinitedb
