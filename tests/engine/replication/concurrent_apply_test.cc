// Last-writer-wins under concurrency: replicated batches from two sources
// and local writes hit the same few addresses at once (the lookups run off
// the commit thread, and what committed meanwhile is re-checked). Every
// address ends with the greatest (hlc, origin) written to it, and its
// history only ever gets newer: each version's stamp is greater than the
// stamp of the version before it.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <tuple>

#include "absl/time/clock.h"
#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

constexpr uint32_t kAddresses = 3;
using Stamp = std::tuple<uint64_t, uint32_t>;  // (hlc, origin)

TEST(ConcurrentApplyTest, EveryAddressEndsWithTheGreatestStamp) {
  testing::TempDir dir;
  EngineOptions options;
  options.data_dir = dir.path();
  options.node_id = 1;
  options.memtable_bytes_max = 64 << 10;  // sealing meanwhile too
  auto opened = Engine::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  ASSERT_TRUE(engine.CreateSpace("s", 1).ok());

  std::mutex mu;
  std::map<uint32_t, Stamp> greatest;
  auto note = [&](uint32_t address, Stamp stamp) {
    std::lock_guard<std::mutex> lock(mu);
    greatest[address] = std::max(greatest[address], stamp);
  };
  const uint64_t now_hlc =
      static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())) << 16;
  auto replicate = [&](uint32_t source, int seed) {
    std::mt19937_64 random(seed);
    for (int batch = 0; batch < 150; ++batch) {
      std::vector<ChangeOp> ops;
      for (int i = 0; i < 4; ++i) {
        ChangeOp op;
        op.branch = kMainBranch;
        op.space = "s";
        op.point = {static_cast<uint32_t>(random() % kAddresses)};
        op.value = "r";
        // Around the local clock: some win, some lose.
        op.hlc = now_hlc - (1 << 20) + random() % (uint64_t{1} << 24);
        op.origin = source;
        ops.push_back(op);
      }
      auto applied = engine.ApplyReplicated(source, batch + 1, ops);
      ASSERT_TRUE(applied.ok()) << applied.status();
      for (const ChangeOp& op : ops) note(op.point[0], {op.hlc, op.origin});
    }
  };
  auto write_locally = [&](int seed) {
    std::mt19937 random(seed);
    for (int i = 0; i < 300; ++i) {
      uint32_t address = random() % kAddresses;
      auto stamp = engine.Put(kMainBranch, "s", {address}, "l");
      ASSERT_TRUE(stamp.ok()) << stamp.status();
      note(address, {stamp->hlc, stamp->origin});
    }
  };
  std::thread a(replicate, 2, 1), b(replicate, 3, 2);
  std::thread c(write_locally, 3), d(write_locally, 4);
  a.join();
  b.join();
  c.join();
  d.join();

  for (const auto& [address, stamp] : greatest) {
    auto record = engine.Get({}, "s", {address});
    ASSERT_TRUE(record.ok() && record->has_value()) << address;
    EXPECT_EQ(Stamp((*record)->stamp.hlc, (*record)->stamp.origin), stamp)
        << "address " << address;
    auto history = engine.History({}, "s", {address});
    ASSERT_TRUE(history.ok()) << history.status();
    for (size_t i = 1; i < history->size(); ++i) {  // newest first
      const CommitStamp& newer = (*history)[i - 1].stamp;
      const CommitStamp& older = (*history)[i].stamp;
      EXPECT_GT(Stamp(newer.hlc, newer.origin), Stamp(older.hlc, older.origin))
          << "address " << address << ": revision " << newer.revision
          << " is older than revision " << older.revision;
    }
  }
}

}  // namespace
}  // namespace infinitedb
