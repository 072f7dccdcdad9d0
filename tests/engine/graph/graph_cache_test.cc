// The graph cache's rules (graph_cache.h): what it answers, at which
// revisions and branches, what a write's marks refuse, generations and
// capacity; then, through the engine, readers racing a writer that moves an
// edge between nodes must never see a cached answer the writer replaced,
// and a hub is read whole and by pages.
#include "engine/graph/graph_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "engine/graph/graph_spaces.h"
#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb::graph {
namespace {

// A stored edge; the cache does not look into its value.
std::shared_ptr<const StoredEdge> Stored(std::string value) {
  return std::make_shared<const StoredEdge>(StoredEdge{{}, std::move(value)});
}

// The keys a commit writing edge `id` and its entry at `node` marks.
std::vector<GraphCache::WrittenKey> KeysOf(const GraphCache& cache, EdgeId id,
                                           const NodeRef& node) {
  Point edge_point = EdgePoint(id);
  Point entry_point = IncidencePoint(node.point, id);
  const std::string index = IncidenceSpace(node.space);
  std::vector<MutationView> mutations = {
      {Mutation::Kind::kPut, kEdgesSpace, &edge_point, "v"},
      {Mutation::Kind::kPut, index, &entry_point, "v"}};
  return cache.KeysWritten(mutations);
}

// An engine in `dir` with the space "frame" of `dims`; null on failure.
std::unique_ptr<Engine> OpenWithFrame(const ::infinitedb::testing::TempDir& dir,
                                      int dims) {
  EngineOptions options;
  options.data_dir = dir.path();
  auto opened = Engine::Open(options);
  EXPECT_TRUE(opened.ok()) << opened.status();
  if (!opened.ok()) return nullptr;
  auto created = (*opened)->CreateSpace("frame", dims);
  EXPECT_TRUE(created.ok()) << created.status();
  if (!created.ok()) return nullptr;
  return std::move(*opened);
}

TEST(GraphCacheTest, AnswersFromTheFillRevisionOnPerBranch) {
  GraphCache cache(1 << 20, 10);
  cache.FillEdge("main", 5, 12, cache.generation(), Stored("a"));
  std::shared_ptr<const StoredEdge> edge;
  ASSERT_TRUE(cache.FindEdge("main", 5, 12, cache.generation(), &edge));
  EXPECT_EQ(edge->value, "a");
  EXPECT_TRUE(cache.FindEdge("main", 5, 20, cache.generation(), &edge));
  EXPECT_FALSE(cache.FindEdge("main", 5, 11, cache.generation(), &edge))
      << "older than the fill";
  EXPECT_FALSE(cache.FindEdge("option-b", 5, 12, cache.generation(), &edge))
      << "other branch";
  // A fill at an older revision answers more of them.
  cache.FillEdge("main", 5, 10, cache.generation(), Stored("a"));
  EXPECT_TRUE(cache.FindEdge("main", 5, 10, cache.generation(), &edge));
  // No live version is an answer too.
  cache.FillEdge("main", 6, 12, cache.generation(), nullptr);
  ASSERT_TRUE(cache.FindEdge("main", 6, 12, cache.generation(), &edge));
  EXPECT_EQ(edge, nullptr);
}

TEST(GraphCacheTest, NothingOlderThanTheStartIsFilled) {
  GraphCache cache(1 << 20, 10);
  cache.FillEdge("main", 5, 9, cache.generation(), Stored("a"));
  std::shared_ptr<const StoredEdge> edge;
  EXPECT_FALSE(cache.FindEdge("main", 5, 20, cache.generation(), &edge));
}

TEST(GraphCacheTest, AWriteDropsAndBlocksTheKeysItWritesOnEveryBranch) {
  GraphCache cache(1 << 20, 10);
  const NodeRef node{"frame", {1, 2, 3}};
  const NodeRef other{"frame", {1, 2, 4}};
  const uint64_t generation = cache.generation();
  auto entries = std::make_shared<NodeEntries>();
  entries->Add(5, "k", "v");
  cache.FillEdge("main", 5, 10, generation, Stored("a"));
  cache.FillEdge("option-b", 5, 10, generation, Stored("a"));
  cache.FillNode("main", node, 10, generation, entries);
  cache.FillNode("main", other, 10, generation, entries);

  const std::vector<GraphCache::WrittenKey> keys = KeysOf(cache, 5, node);
  cache.BeginWrite(keys);
  std::shared_ptr<const StoredEdge> edge;
  std::shared_ptr<const NodeEntries> found;
  EXPECT_FALSE(cache.FindEdge("main", 5, 10, cache.generation(), &edge));
  EXPECT_FALSE(cache.FindEdge("option-b", 5, 10, cache.generation(), &edge));
  EXPECT_FALSE(cache.FindNode("main", node, 10, cache.generation(), &found));
  EXPECT_TRUE(cache.FindNode("main", other, 10, cache.generation(), &found))
      << "not written";
  // Pending: even a fill at a newer revision could be before the commit.
  cache.FillEdge("main", 5, 11, generation, Stored("b"));
  EXPECT_FALSE(cache.FindEdge("main", 5, 11, cache.generation(), &edge));

  cache.EndWrite(keys, 11);
  // A reader that read before the commit cannot store what it replaced.
  cache.FillEdge("main", 5, 10, generation, Stored("a"));
  EXPECT_FALSE(cache.FindEdge("main", 5, 11, cache.generation(), &edge));
  cache.FillEdge("main", 5, 11, generation, Stored("b"));
  ASSERT_TRUE(cache.FindEdge("main", 5, 11, cache.generation(), &edge));
  EXPECT_EQ(edge->value, "b");
}

TEST(GraphCacheTest, AWriteOfEverythingEndsTheGeneration) {
  GraphCache cache(1 << 20, 10);
  const uint64_t before = cache.generation();
  cache.FillEdge("main", 5, 10, before, Stored("a"));
  cache.BeginWriteAll();
  std::shared_ptr<const StoredEdge> edge;
  EXPECT_FALSE(cache.FindEdge("main", 5, 10, cache.generation(), &edge));
  cache.FillEdge("main", 5, 10, cache.generation(), Stored("a"));
  EXPECT_FALSE(cache.FindEdge("main", 5, 10, cache.generation(), &edge));
  cache.EndWriteAll(10);  // dropping a space keeps the revision
  EXPECT_FALSE(cache.FindEdge("main", 5, 10, cache.generation(), &edge));
  cache.FillEdge("main", 5, 10, before, Stored("a"));
  EXPECT_FALSE(cache.FindEdge("main", 5, 10, cache.generation(), &edge))
      << "an older reader";
  cache.FillEdge("main", 5, 10, cache.generation(), Stored("b"));
  ASSERT_TRUE(cache.FindEdge("main", 5, 10, cache.generation(), &edge));
  EXPECT_EQ(edge->value, "b");
  EXPECT_FALSE(cache.FindEdge("main", 5, 10, before, &edge))
      << "a reader of the old generation reads none of the new one";
}

TEST(GraphCacheTest, StaysWithinCapacityAndCanBeOff) {
  GraphCache cache(256 << 10, 0);
  for (EdgeId id = 1; id <= 10'000; ++id) {
    cache.FillEdge("main", id, 1, cache.generation(),
                   Stored(std::string(100, 'k')));
  }
  GraphCacheStats stats = cache.Stats();
  EXPECT_LE(stats.bytes, 256u << 10);
  EXPECT_GT(stats.bytes, 128u << 10);
  std::shared_ptr<const StoredEdge> edge;
  EXPECT_TRUE(cache.FindEdge("main", 10'000, 1, cache.generation(), &edge))
      << "the newest stays";
  EXPECT_FALSE(cache.FindEdge("main", 1, 1, cache.generation(), &edge))
      << "the oldest went";

  GraphCache off(0, 0);
  off.FillEdge("main", 1, 1, off.generation(), Stored("a"));
  EXPECT_FALSE(off.FindEdge("main", 1, 1, off.generation(), &edge));
}

// A writer moves one edge between two nodes, and says in the same commit
// where it is; readers at one revision must find it at exactly that node,
// through incidence, the edge itself and a traversal.
TEST(GraphCacheEngineTest, ReadersNeverSeeAReplacedAnswer) {
  ::infinitedb::testing::TempDir dir;
  std::unique_ptr<Engine> engine = OpenWithFrame(dir, 2);
  ASSERT_NE(engine, nullptr);
  const NodeRef hub{"frame", {0, 0}};
  const NodeRef sides[2] = {{"frame", {1, 0}}, {"frame", {2, 0}}};
  auto move_to = [&](EdgeId id, int side) {
    WriteBatch batch;
    batch.records.push_back(
        Mutation::Put("frame", {9, 9}, std::to_string(side)));
    batch.edges.push_back(EdgeMutation::Put(
        Edge{id,
             "beam",
             {{"frame", hub.point, "a", Polarity::kNeutral},
              {"frame", sides[side].point, "b", Polarity::kNeutral}}}));
    return engine->Write("main", batch);
  };
  absl::StatusOr<WriteResult> first = move_to(0, 0);
  ASSERT_TRUE(first.ok()) << first.status();
  const EdgeId id = first->edge_ids[0];

  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 1; i <= 400; ++i) ASSERT_TRUE(move_to(id, i % 2).ok());
    done = true;
  });
  auto read = [&] {
    int checked = 0;
    while (!done || checked < 50) {
      auto record = engine->Get({"main", 0}, "frame", {9, 9});
      ASSERT_TRUE(record.ok() && record->has_value());
      const Revision at = (*record)->stamp.revision;
      const int side = std::stoi((*record)->value);
      for (int s = 0; s < 2; ++s) {
        std::set<EdgeId> ids;
        auto page = engine->Incident({{"main", at}, sides[s], {}},
                                     [&](const Incidence& incidence) {
                                       ids.insert(incidence.edge.id);
                                       return true;
                                     });
        ASSERT_TRUE(page.ok()) << page.status();
        EXPECT_EQ(ids.count(id), s == side ? 1u : 0u) << "revision " << at;
      }
      auto edge = engine->GetEdge({"main", at}, id);
      ASSERT_TRUE(edge.ok() && edge->has_value());
      EXPECT_EQ((*edge)->endpoints[1].point, sides[side].point);
      TraverseRequest walk;
      walk.as_of = at;
      walk.starts = {hub};
      auto walked = engine->Traverse(walk);
      ASSERT_TRUE(walked.ok()) << walked.status();
      ASSERT_EQ(walked->nodes.size(), 2u);
      EXPECT_EQ(walked->nodes[1].node.point, sides[side].point);
      ++checked;
    }
  };
  std::thread reader_a(read), reader_b(read);
  writer.join();
  reader_a.join();
  reader_b.join();
}

// A node with more edges than the cache holds for one node (a hub) is read
// from the index every time, whole or by pages, the same as any other.
TEST(GraphCacheEngineTest, AHubIsReadWholeAndByPages) {
  ::infinitedb::testing::TempDir dir;
  std::unique_ptr<Engine> engine = OpenWithFrame(dir, 3);
  ASSERT_NE(engine, nullptr);
  constexpr uint32_t kEdges = 17'000;
  const NodeRef hub{"frame", {0, 0, 0}};
  WriteBatch batch;
  for (uint32_t i = 1; i <= kEdges; ++i) {
    batch.edges.push_back(EdgeMutation::Put(Edge{
        0, "beam", {{"frame", hub.point, "a"}, {"frame", {i, 0, 0}, "b"}}}));
  }
  ASSERT_TRUE(engine->Write("main", batch).ok());
  for (int pass = 0; pass < 2; ++pass) {  // the second after it is known
    for (uint64_t limit : {uint64_t{0}, uint64_t{5000}}) {
      std::set<EdgeId> ids;
      std::string cursor;
      do {
        auto page = engine->Incident({{"main", 0, limit, cursor}, hub, {}},
                                     [&](const Incidence& i) {
                                       ids.insert(i.edge.id);
                                       return true;
                                     });
        ASSERT_TRUE(page.ok()) << page.status();
        cursor = page->next_cursor;
      } while (!cursor.empty());
      EXPECT_EQ(ids.size(), kEdges) << "limit " << limit;
    }
    auto degree = engine->NodeDegree({{}, hub, {}});
    ASSERT_TRUE(degree.ok()) << degree.status();
    EXPECT_EQ(degree->total, kEdges);
    TraverseRequest walk;
    walk.starts = {hub};
    auto walked = engine->Traverse(walk);
    ASSERT_TRUE(walked.ok()) << walked.status();
    EXPECT_EQ(walked->nodes.size(), kEdges + 1);
  }
}

}  // namespace
}  // namespace infinitedb::graph
