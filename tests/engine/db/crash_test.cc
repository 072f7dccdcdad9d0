// Crash safety: a child process writes under load, sealing memtables and
// compacting segments all the while, and is killed with SIGKILL at a random
// moment, many times over. After every reopen each acknowledged
// write is present exactly once, no commit is partially applied, and
// revisions never repeat. INFDB_CRASH_CYCLES overrides the cycle count.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
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

constexpr int kWriterThreads = 4;
constexpr uint32_t kMaxBatch = 4;

// One acknowledged commit as the child reports it on the pipe.
struct Ack {
  Revision revision;
  uint32_t cycle, thread, sequence, count;
};

std::string ValueOf(uint32_t cycle, uint32_t thread, uint32_t sequence,
                    uint32_t index, uint32_t count) {
  return absl::StrFormat("c%d t%d s%d i%d n%d", cycle, thread, sequence, index,
                         count);
}

Point PointOf(uint32_t cycle, uint32_t thread, uint32_t sequence,
              uint32_t index) {
  return {cycle * 100 + thread, sequence * kMaxBatch + index};
}

EngineOptions OptionsFor(const std::string& dir, uint32_t cycle) {
  EngineOptions options;
  options.data_dir = dir;
  // A process crash must lose nothing acknowledged in either mode.
  options.durability = cycle % 2 == 0 ? Durability::kSync : Durability::kAsync;
  options.wal_segment_bytes = 64 << 10;  // many segment rolls
  // Small memtables and an eager compaction trigger: the kill often lands
  // in the middle of sealing or compaction.
  options.memtable_bytes_max = 32 << 10;
  options.compaction_trigger_segments = 2;
  return options;
}

[[noreturn]] void RunChild(const std::string& dir, uint32_t cycle, int ack_fd) {
  auto engine = Engine::Open(OptionsFor(dir, cycle));
  if (!engine.ok()) _exit(3);
  if (!(*engine)->GetSpace("c").ok() && !(*engine)->CreateSpace("c", 2).ok()) {
    _exit(4);
  }
  // The space is durable from here on: tell the parent.
  if (write(ack_fd, "space\n", 6) != 6) _exit(6);
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kWriterThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(cycle * 31 + t);
      for (uint32_t sequence = 0;; ++sequence) {
        uint32_t count = 1 + random() % kMaxBatch;
        std::vector<Mutation> batch;
        for (uint32_t i = 0; i < count; ++i) {
          batch.push_back(Mutation::Put("c", PointOf(cycle, t, sequence, i),
                                        ValueOf(cycle, t, sequence, i, count)));
        }
        auto stamp = (*engine)->Batch("main", batch);
        if (!stamp.ok()) _exit(5);
        std::string line = absl::StrFormat("%d %d %d %d %d\n", stamp->revision,
                                           cycle, t, sequence, count);
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

// Runs one cycle: fork a writer, kill it after `run_ms`, return its acks;
// `space_acked` tells whether the writer reported the space as created (a
// writer killed while it starts may not get that far).
std::vector<Ack> CrashOnce(const std::string& dir, uint32_t cycle, int run_ms,
                           bool* space_acked) {
  std::string acks_text =
      testing::RunAndKill([&](int fd) { RunChild(dir, cycle, fd); }, run_ms);
  std::vector<Ack> acks;
  *space_acked = acks_text.starts_with("space\n");
  if (*space_acked) acks_text.erase(0, 6);
  std::istringstream lines(acks_text);
  Ack ack;
  while (lines >> ack.revision >> ack.cycle >> ack.thread >> ack.sequence >>
         ack.count) {
    acks.push_back(ack);
  }
  return acks;
}

TEST(CrashTest, AcknowledgedWritesSurviveSigkillExactlyOnce) {
  int cycles = 24;
  if (const char* env = std::getenv("INFDB_CRASH_CYCLES")) cycles = atoi(env);
  testing::TempDir dir;
  std::mt19937 random(20261124);
  std::set<Revision> seen_revisions;
  Revision max_revision_before = 0;
  size_t total_acks = 0;
  bool space_ever_acked = false;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    bool space_acked = false;
    std::vector<Ack> acks = CrashOnce(
        dir.path(), cycle, 20 + static_cast<int>(random() % 150), &space_acked);
    space_ever_acked = space_ever_acked || space_acked;
    total_acks += acks.size();
    auto engine = Engine::Open(OptionsFor(dir.path(), cycle));
    ASSERT_TRUE(engine.ok()) << "cycle " << cycle << ": " << engine.status();
    for (const Ack& ack : acks) {
      for (uint32_t i = 0; i < ack.count; ++i) {
        Point point = PointOf(ack.cycle, ack.thread, ack.sequence, i);
        auto history = (*engine)->History({}, "c", point);
        ASSERT_TRUE(history.ok()) << history.status();
        ASSERT_EQ(history->size(), 1u) << "cycle " << cycle << " revision "
                                       << ack.revision << " index " << i;
        EXPECT_EQ((*history)[0].stamp.revision, ack.revision);
        EXPECT_EQ((*history)[0].value,
                  ValueOf(ack.cycle, ack.thread, ack.sequence, i, ack.count));
      }
    }
    // Whole-database checks: every commit complete, revisions unique and
    // newer than those of earlier cycles.
    auto records = ScanAll(**engine, {}, "c");
    if (!space_ever_acked && acks.empty() &&
        absl::IsNotFound(records.status())) {
      continue;  // killed before it had created the space: nothing to check
    }
    ASSERT_TRUE(records.ok()) << "cycle " << cycle << ": " << records.status();
    std::map<Revision, std::vector<std::string>> by_revision;
    for (const Record& record : *records) {
      by_revision[record.stamp.revision].push_back(record.value);
    }
    for (const auto& [revision, values] : by_revision) {
      uint32_t c, t, s, i, n;
      ASSERT_EQ(
          sscanf(values[0].c_str(), "c%u t%u s%u i%u n%u", &c, &t, &s, &i, &n),
          5);
      EXPECT_EQ(values.size(), n) << "revision " << revision << " is partial";
      for (const std::string& value : values) {
        EXPECT_NE(value.find(absl::StrFormat("c%d t%d s%d ", c, t, s)),
                  std::string::npos)
            << "revision " << revision << " mixes commits";
      }
      if (c == static_cast<uint32_t>(cycle)) {
        EXPECT_GT(revision, max_revision_before) << "revision reused";
        EXPECT_TRUE(seen_revisions.insert(revision).second);
      }
    }
    EXPECT_EQ(seen_revisions.size(), by_revision.size());
    max_revision_before = (*engine)->CurrentRevision();
  }
  EXPECT_GT(total_acks, static_cast<size_t>(cycles));
}

}  // namespace
}  // namespace infinitedb
