// Edges replicate through the change stream and converge: three servers
// write edges (assigned ids, and shared client ids that conflict), records
// and deletes on two branches, exchange their changes in random order, and
// end with the same edges (by id, with the same winning stamps) and the
// same endpoint index, which matches their edges exactly.
#include <gtest/gtest.h>

#include <random>

#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

constexpr int kServers = 3;
const char* const kBranches[] = {"main", "alt"};

struct Server {
  ::infinitedb::testing::TempDir dir;
  std::unique_ptr<Engine> engine;
  ChangeCursor cursors[kServers];  // what each peer has read from this one
};

// The edges of a branch with their stamps, and its index as (point, id).
struct Digest {
  std::map<EdgeId, std::tuple<std::string, size_t, uint64_t, uint32_t>> edges;
  std::set<std::pair<Point, EdgeId>> index;
  bool operator==(const Digest&) const = default;
};

Digest DigestOf(Engine& engine, const std::string& branch) {
  Digest digest;
  for (const char* kind : {"k0", "k1"}) {
    auto page = engine.EdgesByKind({{branch}, kind}, [&](const Edge& e) {
      digest.edges[e.id] = {e.kind, e.endpoints.size(), e.stamp.hlc,
                            e.stamp.origin};
      return true;
    });
    EXPECT_TRUE(page.ok()) << page.status();
  }
  Box all{{0, 0}, {UINT32_MAX, UINT32_MAX}};
  auto page =
      engine.BoxIncident({{branch}, "s", all, {}}, [&](const Incidence& i) {
        digest.index.insert({i.node.point, i.edge.id});
        return true;
      });
  EXPECT_TRUE(page.ok()) << page.status();
  // Node by node too (through the graph cache, which replicated edges must
  // keep exact): the same pairs.
  std::set<std::pair<Point, EdgeId>> by_node;
  for (uint32_t x = 0; x < 6; ++x) {
    for (uint32_t y = 0; y < 6; ++y) {
      auto incident = engine.Incident(
          {{branch}, {"s", {x, y}}, {}}, [&](const Incidence& i) {
            by_node.insert({i.node.point, i.edge.id});
            return true;
          });
      EXPECT_TRUE(incident.ok()) << incident.status();
    }
  }
  EXPECT_EQ(by_node, digest.index);
  return digest;
}

class GraphReplicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < kServers; ++i) {
      EngineOptions options;
      options.data_dir = servers_[i].dir.path();
      options.node_id = i + 1;
      options.memtable_bytes_max = 64 << 10;
      auto engine = Engine::Open(options);
      ASSERT_TRUE(engine.ok()) << engine.status();
      servers_[i].engine = std::move(*engine);
      ASSERT_TRUE(servers_[i].engine->CreateSpace("s", 2).ok());
      ASSERT_TRUE(servers_[i].engine->CreateBranch("alt", "main").ok());
    }
  }

  // Applies everything `from` has that `to` has not read yet.
  void Sync(int from, int to) {
    Server& source = servers_[from];
    while (true) {
      auto batch = source.engine->ReadChanges(source.cursors[to], 1 << 20);
      ASSERT_TRUE(batch.ok()) << batch.status();
      for (const ChangeSet& change : batch->changes) {
        auto applied = servers_[to].engine->ApplyReplicated(
            from + 1, change.revision, change.ops);
        ASSERT_TRUE(applied.ok()) << applied.status();
      }
      if (batch->changes.empty()) return;
      source.cursors[to] = batch->next;
    }
  }

  Edge RandomEdge() {
    Edge edge;
    edge.kind = rng_() % 2 ? "k0" : "k1";
    int count = 2 + rng_() % 2;
    for (int i = 0; i < count; ++i) {
      edge.endpoints.push_back({"s",
                                {static_cast<uint32_t>(rng_() % 6),
                                 static_cast<uint32_t>(rng_() % 6)},
                                "r"});
    }
    return edge;
  }

  void RandomWrite(int server) {
    Engine& engine = *servers_[server].engine;
    const std::string branch = kBranches[rng_() % 2];
    WriteBatch batch;
    for (int i = 0, n = 1 + rng_() % 3; i < n; ++i) {
      int choice = rng_() % 6;
      Edge edge = RandomEdge();
      if (choice < 2) {
        edge.id = 1 + rng_() % 8;  // shared ids: conflicts across servers
      }
      if (choice == 5) {
        EdgeId id = 1 + rng_() % 8;
        if (auto live = engine.GetEdge({branch}, id);
            live.ok() && live->has_value()) {
          batch.edges.push_back(EdgeMutation::Delete(id));
          continue;
        }
      }
      if (choice == 4) {
        batch.records.push_back(Mutation::Put("s", edge.endpoints[0].point,
                                              std::to_string(rng_())));
        continue;
      }
      batch.edges.push_back(EdgeMutation::Put(edge));
    }
    if (batch.edges.empty() && batch.records.empty()) return;
    auto result = engine.Write(branch, batch);
    // Two deletes of one id in a batch: the second finds nothing.
    ASSERT_TRUE(result.ok() || absl::IsNotFound(result.status()))
        << result.status();
  }

  Server servers_[kServers];
  std::mt19937_64 rng_{99};
};

TEST_F(GraphReplicationTest, ServersConvergeOnEdgesAndTheirIndex) {
  for (int round = 0; round < 40; ++round) {
    for (int i = 0; i < 5; ++i)
      ASSERT_NO_FATAL_FAILURE(RandomWrite(rng_() % 3));
    int from = rng_() % 3, to = (from + 1 + rng_() % 2) % 3;
    ASSERT_NO_FATAL_FAILURE(Sync(from, to));
  }
  for (int pass = 0; pass < 3; ++pass) {
    for (int from = 0; from < kServers; ++from) {
      for (int to = 0; to < kServers; ++to) {
        if (from != to) ASSERT_NO_FATAL_FAILURE(Sync(from, to));
      }
    }
  }
  for (const char* branch : kBranches) {
    Digest first = DigestOf(*servers_[0].engine, branch);
    EXPECT_GT(first.edges.size(), 10u);
    for (int i = 1; i < kServers; ++i) {
      EXPECT_TRUE(DigestOf(*servers_[i].engine, branch) == first)
          << "server " << i + 1 << " differs on " << branch;
    }
    // The index holds exactly the edges' endpoints.
    std::set<std::pair<Point, EdgeId>> expected;
    for (const auto& [id, fields] : first.edges) {
      auto edge = servers_[0].engine->GetEdge({branch}, id);
      ASSERT_TRUE(edge.ok() && edge->has_value());
      for (const Endpoint& e : (*edge)->endpoints)
        expected.insert({e.point, id});
    }
    EXPECT_EQ(first.index, expected) << branch;
  }
}

TEST_F(GraphReplicationTest, ABadEdgeOpIsRefusedAndWritesNothing) {
  Engine& engine = *servers_[0].engine;
  const Revision before = engine.CurrentRevision();
  ChangeOp garbage{"main",        kGraphEdgesSpace,    {0, 5}, false,
                   "not an edge", (uint64_t{1} << 20), 2};
  auto applied = engine.ApplyReplicated(2, 1, {&garbage, 1});
  EXPECT_TRUE(absl::IsInvalidArgument(applied.status())) << applied.status();
  ChangeOp index{
      "main", "__graph.inc.s", {1, 1, 0, 5}, false, "x", (uint64_t{1} << 20),
      2};
  applied = engine.ApplyReplicated(2, 1, {&index, 1});
  EXPECT_TRUE(absl::IsInvalidArgument(applied.status())) << applied.status();
  EXPECT_EQ(engine.CurrentRevision(), before);
}

}  // namespace
}  // namespace infinitedb
