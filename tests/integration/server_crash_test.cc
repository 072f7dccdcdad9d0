// Crash safety through the server: clients write while infdb-server is
// killed with SIGKILL; after a restart every acknowledged write is present
// exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

constexpr int kCycles = 4;
constexpr int kClients = 4;

struct Acked {
  std::vector<uint32_t> point;
  std::string value;
  uint64_t revision;
};

TEST(ServerCrashTest, AcknowledgedWritesSurviveSigkill) {
  testing::TempDir dir;
  std::mt19937 random(7);
  std::vector<Acked> acked;
  std::mutex acked_mu;
  // The last start only verifies what the last killed server acknowledged.
  for (int cycle = 0; cycle <= kCycles; ++cycle) {
    testing::ServerProcess server(dir.path() + "/data");
    ASSERT_TRUE(server.Start());
    client::ClientOptions options;
    options.target = server.address();
    options.deadline = std::chrono::milliseconds(5000);
    client::Client client(options);
    if (cycle == 0) {
      ASSERT_TRUE(client.CreateSpace("s", 2).ok());
    }

    // Everything acknowledged before is there exactly once.
    for (const Acked& a : acked) {
      v1::HistoryRequest request;
      request.set_space("s");
      request.mutable_point()->mutable_coordinates()->Assign(a.point.begin(),
                                                             a.point.end());
      auto history = client.History(request);
      ASSERT_TRUE(history.ok()) << history.status();
      ASSERT_EQ(history->versions_size(), 1) << "cycle " << cycle;
      EXPECT_EQ(history->versions(0).value(), a.value);
      EXPECT_EQ(history->versions(0).stamp().revision(), a.revision);
    }

    if (cycle == kCycles) break;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int c = 0; c < kClients; ++c) {
      writers.emplace_back([&, c] {
        for (uint32_t i = 0; !stop.load(); ++i) {
          std::vector<uint32_t> point = {static_cast<uint32_t>(cycle * 100 + c),
                                         i};
          std::string value = "c" + std::to_string(cycle) + "." +
                              std::to_string(c) + "." + std::to_string(i);
          auto stamp = client.Put("", "s", point, value);
          if (!stamp.ok()) return;  // the server is gone
          std::lock_guard<std::mutex> lock(acked_mu);
          acked.push_back({point, value, stamp->revision()});
        }
      });
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(100 + random() % 300));
    server.Kill();
    stop = true;
    for (auto& writer : writers) writer.join();
  }
  EXPECT_GT(acked.size(), static_cast<size_t>(kCycles));
}

}  // namespace
}  // namespace infinitedb
