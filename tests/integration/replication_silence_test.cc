// Integration test of a replication stream that goes silent (issue 16's
// defect: a peer whose link is down showed `streaming` with no lag for the
// whole partition): two real servers, the follower pulling through a TCP
// proxy of the test's own. When the proxy stalls, the follower takes the
// stream as broken within a few missed heartbeats (its source leaves
// `streaming`, last_error says why and when, last_message stops) and
// redials; lag counts what the source had when last heard; when the proxy
// resumes, the follower catches up.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"
#include "tests/integration/tcp_proxy.h"

namespace infinitedb {
namespace {

int PortOf(const std::string& address) {
  return std::stoi(address.substr(address.rfind(':') + 1));
}

std::unique_ptr<client::Client> ClientFor(const std::string& address) {
  client::ClientOptions options;
  options.target = address;
  return std::make_unique<client::Client>(options);
}

// The follower's one source, polled until `done` holds (or 30 s pass).
template <typename Done>
v1::SourceState WaitForSource(client::Client& follower, Done done) {
  v1::SourceState source;
  for (int attempt = 0; attempt < 300; ++attempt) {
    auto status = follower.ReplicationStatus();
    if (status.ok() && status->sources_size() == 1) {
      source = status->sources(0);
      if (done(source)) return source;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return source;
}

bool Has(client::Client& client, uint32_t x) {
  v1::GetRequest get;
  get.set_space("s");
  get.mutable_point()->add_coordinates(x);
  auto response = client.Get(get);
  return response.ok() && response->found();
}

TEST(ReplicationSilenceTest, AStalledLinkIsDetectedAndTheFollowerCatchesUp) {
  testing::TempDir dir;
  testing::ServerProcess source(dir.path() + "/source");
  ASSERT_TRUE(source.Start());
  testing::TcpProxy proxy(PortOf(source.address()));
  testing::ServerProcess follower(
      dir.path() + "/follower",
      {"--node-id=2", "--peer=127.0.0.1:" + std::to_string(proxy.port())});
  ASSERT_TRUE(follower.Start());
  auto writer = ClientFor(source.address());
  auto reader = ClientFor(follower.address());
  ASSERT_TRUE(writer->CreateSpace("s", 1).ok());
  ASSERT_TRUE(writer->Put("", "s", {1}, "before", std::nullopt).ok());
  v1::SourceState state = WaitForSource(*reader, [&](const auto& s) {
    return s.state() == "streaming" && Has(*reader, 1);
  });
  ASSERT_EQ(state.state(), "streaming");

  proxy.SetStalled(true);
  for (uint32_t x = 2; x < 12; ++x) {
    ASSERT_TRUE(writer->Put("", "s", {x}, "during", std::nullopt).ok());
  }
  const int64_t stalled_at = absl::ToUnixMillis(absl::Now());
  state = WaitForSource(*reader, [](const auto& s) {
    return s.state() != "streaming" &&
           s.last_error().find("no message from the source") !=
               std::string::npos;
  });
  EXPECT_NE(state.state(), "streaming");
  EXPECT_NE(state.last_error().find("no message from the source"),
            std::string::npos)
      << state.last_error();
  EXPECT_GE(state.last_error_unix_ms(), stalled_at);
  EXPECT_LE(state.last_message_unix_ms(), stalled_at + 1'000);
  EXPECT_FALSE(Has(*reader, 11));

  proxy.SetStalled(false);
  state = WaitForSource(*reader, [&](const auto& s) {
    return s.state() == "streaming" && s.lag_revisions() == 0 &&
           Has(*reader, 11);
  });
  EXPECT_EQ(state.state(), "streaming");
  EXPECT_EQ(state.lag_revisions(), 0u);
  for (uint32_t x = 1; x < 12; ++x) EXPECT_TRUE(Has(*reader, x)) << x;
  EXPECT_EQ(follower.Stop(), 0);
  EXPECT_EQ(source.Stop(), 0);
}

}  // namespace
}  // namespace infinitedb
