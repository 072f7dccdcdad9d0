// Crash safety of the graph: a child process writes batches of one record
// and one to three edges (with assigned ids) under load, sealing and
// compacting all the while, and is killed with SIGKILL at a random moment,
// many times over. After every reopen each acknowledged edge is present
// with its index entries at every endpoint and its batch's record, and
// nothing is partial: every edge found belongs to a complete batch, and
// every index entry names a live edge that touches its point.
// INFDB_CRASH_CYCLES overrides the cycle count.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_format.h"
#include "engine/public/engine.h"
#include "tests/engine/testutil/kill_child.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

constexpr int kWriterThreads = 3;

EngineOptions OptionsFor(const std::string& dir, uint32_t cycle) {
  EngineOptions options;
  options.data_dir = dir;
  options.durability = cycle % 2 == 0 ? Durability::kSync : Durability::kAsync;
  options.wal_segment_bytes = 64 << 10;
  options.memtable_bytes_max = 32 << 10;
  options.compaction_trigger_segments = 2;
  return options;
}

// The batch's tag, in its record's value and in each edge's properties.
std::string Tag(uint32_t cycle, uint32_t thread, uint32_t sequence,
                uint32_t count) {
  return absl::StrFormat("c%d t%d s%d n%d", cycle, thread, sequence, count);
}

Point RecordPoint(uint32_t cycle, uint32_t thread, uint32_t sequence) {
  return {cycle * 10 + thread, sequence, 0};
}

Edge EdgeOf(uint32_t cycle, uint32_t thread, uint32_t sequence, uint32_t index,
            uint32_t count) {
  Edge edge;
  edge.kind = "crash.link";
  edge.properties["tag"] = Tag(cycle, thread, sequence, count);
  // Shared hubs and private points, so entries of many edges sit together.
  edge.endpoints = {{"g", RecordPoint(cycle, thread, sequence), "own"},
                    {"g", {index, 0, 1}, "hub"},
                    {"g", {thread, sequence % 7, 2}, "side"}};
  return edge;
}

[[noreturn]] void RunChild(const std::string& dir, uint32_t cycle, int ack_fd) {
  auto engine = Engine::Open(OptionsFor(dir, cycle));
  if (!engine.ok()) _exit(3);
  if (!(*engine)->GetSpace("g").ok() && !(*engine)->CreateSpace("g", 3).ok()) {
    _exit(4);
  }
  if (write(ack_fd, "space\n", 6) != 6) _exit(6);
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kWriterThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(cycle * 31 + t);
      for (uint32_t sequence = 0;; ++sequence) {
        uint32_t count = 1 + random() % 3;
        WriteBatch batch;
        batch.records.push_back(Mutation::Put("g",
                                              RecordPoint(cycle, t, sequence),
                                              Tag(cycle, t, sequence, count)));
        for (uint32_t i = 0; i < count; ++i) {
          batch.edges.push_back(
              EdgeMutation::Put(EdgeOf(cycle, t, sequence, i, count)));
        }
        auto result = (*engine)->Write("main", batch);
        if (!result.ok()) _exit(5);
        std::string line = absl::StrFormat(
            "%d %d %d %d", result->stamp.revision, t, sequence, count);
        for (EdgeId id : result->edge_ids) line += absl::StrFormat(" %d", id);
        line += "\n";
        if (write(ack_fd, line.data(), line.size()) !=
            static_cast<ssize_t>(line.size())) {
          _exit(6);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  _exit(0);
}

std::string CrashOnce(const std::string& dir, uint32_t cycle, int run_ms) {
  return ::infinitedb::testing::RunAndKill(
      [&](int fd) { RunChild(dir, cycle, fd); }, run_ms);
}

// Every (point, edge) pair of the endpoint index.
std::set<std::pair<Point, EdgeId>> IndexEntries(Engine& engine) {
  std::set<std::pair<Point, EdgeId>> entries;
  Box all{{0, 0, 0}, {UINT32_MAX, UINT32_MAX, UINT32_MAX}};
  auto page = engine.BoxIncident({{}, "g", all, {}}, [&](const Incidence& i) {
    entries.insert({i.node.point, i.edge.id});
    return true;
  });
  EXPECT_TRUE(page.ok()) << page.status();  // DataLoss if an entry dangles
  return entries;
}

void CheckAcknowledged(Engine& engine, uint32_t cycle,
                       const std::string& acks) {
  const std::set<std::pair<Point, EdgeId>> entries = IndexEntries(engine);
  std::istringstream lines(acks);
  std::string line;
  while (std::getline(lines, line)) {
    if (line == "space") continue;
    std::istringstream fields(line);
    Revision revision;
    uint32_t thread, sequence, count;
    fields >> revision >> thread >> sequence >> count;
    auto record = engine.Get({}, "g", RecordPoint(cycle, thread, sequence));
    ASSERT_TRUE(record.ok() && record->has_value()) << line;
    EXPECT_EQ((*record)->stamp.revision, revision);
    for (uint32_t i = 0; i < count; ++i) {
      EdgeId id;
      ASSERT_TRUE(fields >> id) << line;
      auto edge = engine.GetEdge({}, id);
      ASSERT_TRUE(edge.ok() && edge->has_value())
          << "edge " << id << ": " << line;
      EXPECT_EQ((*edge)->stamp.revision, revision);
      for (const Endpoint& e : (*edge)->endpoints) {
        EXPECT_TRUE(entries.count({e.point, id})) << "edge " << id;
      }
    }
  }
}

// Nothing partial: batches complete, index entries all backed by edges.
void CheckWhole(Engine& engine) {
  std::map<std::string, std::pair<Revision, uint32_t>> batches;
  auto page = engine.EdgesByKind({{}, "crash.link"}, [&](const Edge& edge) {
    auto& [revision, seen] = batches[edge.properties.at("tag")];
    if (revision == 0) revision = edge.stamp.revision;
    EXPECT_EQ(revision, edge.stamp.revision) << "a batch spans revisions";
    ++seen;
    return true;
  });
  ASSERT_TRUE(page.ok()) << page.status();
  for (const auto& [tag, batch] : batches) {
    uint32_t c, t, s, n;
    ASSERT_EQ(sscanf(tag.c_str(), "c%u t%u s%u n%u", &c, &t, &s, &n), 4);
    EXPECT_EQ(batch.second, n) << tag << " is partial";
    auto record = engine.Get({}, "g", RecordPoint(c, t, s));
    ASSERT_TRUE(record.ok() && record->has_value()) << tag << ": no record";
    EXPECT_EQ((*record)->stamp.revision, batch.first);
  }
  Box all{{0, 0, 0}, {UINT32_MAX, UINT32_MAX, UINT32_MAX}};
  auto entries =
      engine.BoxIncident({{}, "g", all, {}}, [&](const Incidence& i) {
        bool touches = false;
        for (const Endpoint& e : i.edge.endpoints)
          touches |= e.point == i.node.point;
        EXPECT_TRUE(touches) << "an entry of edge " << i.edge.id << " is stale";
        return true;
      });
  ASSERT_TRUE(entries.ok()) << entries.status();  // DataLoss if dangling
}

TEST(GraphCrashTest, AcknowledgedEdgesSurviveSigkillWithTheirIndex) {
  int cycles = 12;
  if (const char* env = std::getenv("INFDB_CRASH_CYCLES")) cycles = atoi(env);
  ::infinitedb::testing::TempDir dir;
  std::mt19937 random(20261202);
  size_t acked_lines = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    std::string acks =
        CrashOnce(dir.path(), cycle, 40 + static_cast<int>(random() % 150));
    acked_lines += std::count(acks.begin(), acks.end(), '\n');
    auto engine = Engine::Open(OptionsFor(dir.path(), cycle));
    ASSERT_TRUE(engine.ok()) << "cycle " << cycle << ": " << engine.status();
    if (!(*engine)->GetSpace("g").ok()) continue;  // killed while starting
    ASSERT_NO_FATAL_FAILURE(CheckAcknowledged(**engine, cycle, acks));
    ASSERT_NO_FATAL_FAILURE(CheckWhole(**engine));
  }
  EXPECT_GT(acked_lines, static_cast<size_t>(cycles));
}

}  // namespace
}  // namespace infinitedb
