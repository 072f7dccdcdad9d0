// A cluster of real infdb-server processes for the replication tests: each
// node with its own node id, data directory and client, at a loopback
// address fixed up front (so that peers can name each other before they
// start and find each other after a restart); starting and stopping nodes,
// and polling until every node agrees on a digest of its data with every
// source caught up.
#ifndef INFINITEDB_TESTS_INTEGRATION_REPLICATION_CLUSTER_H_
#define INFINITEDB_TESTS_INTEGRATION_REPLICATION_CLUSTER_H_

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"

namespace infinitedb::testing {

using Clock = std::chrono::steady_clock;

// Replication must converge within this once the writers stop.
inline constexpr auto kConvergeTimeout = std::chrono::seconds(30);
inline constexpr auto kPollInterval = std::chrono::milliseconds(50);
// Every client call gets this deadline, every test stream kStreamDeadline.
inline constexpr auto kCallDeadline = std::chrono::milliseconds(5000);
inline constexpr auto kStreamDeadline = std::chrono::seconds(20);

// Calls `done` until it returns true or `timeout` passes; false on timeout.
inline bool PollUntil(const std::function<bool()>& done,
                      Clock::duration timeout = kConvergeTimeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

// The end of a server's log, for a failure message (the log is removed
// with the test's directory).
inline std::string LogTail(const std::string& path) {
  std::ifstream log(path);
  std::string text((std::istreambuf_iterator<char>(log)),
                   std::istreambuf_iterator<char>());
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

// One server of a test cluster.
struct Node {
  uint32_t id = 0;
  std::string data_dir;
  std::string address;
  std::vector<std::string> flags;  // --node-id, --peer and any others
  std::unique_ptr<ServerProcess> process;
  std::unique_ptr<client::Client> client;
};

class ClusterTest : public ::testing::Test {
 protected:
  // Nodes with ids 1..count and their own data directories and ports; none
  // replicates from another until Peer() says so.
  void MakeNodes(int count) {
    for (int i = 0; i < count; ++i) {
      Node& node = nodes_.emplace_back();
      node.id = static_cast<uint32_t>(i + 1);
      node.data_dir = dir_.path() + "/node" + std::to_string(node.id);
      int port = FreeLoopbackPort();
      ASSERT_NE(port, 0);
      node.address = "127.0.0.1:" + std::to_string(port);
      node.flags = {"--node-id=" + std::to_string(node.id)};
    }
  }

  // Node `i` pulls changes from each of `sources`.
  void Peer(int i, const std::vector<int>& sources) {
    for (int source : sources) {
      nodes_[i].flags.push_back("--peer=" + nodes_[source].address);
    }
  }

  // Starts (or restarts) node `i` on its data directory and address, with a
  // new client (a fresh channel, no reconnection backoff left over).
  ::testing::AssertionResult StartNode(int i) {
    Node& node = nodes_[i];
    node.client.reset();
    node.process = std::make_unique<ServerProcess>(node.data_dir, node.flags);
    node.process->set_listen_address(node.address);
    if (!node.process->Start()) {
      return ::testing::AssertionFailure()
             << "node " << node.id << " did not start; its log:\n"
             << LogTail(node.process->log_path());
    }
    client::ClientOptions options;
    options.target = node.address;
    options.deadline = kCallDeadline;
    node.client = std::make_unique<client::Client>(options);
    return ::testing::AssertionSuccess();
  }

  // Stops node `i` with SIGTERM; returns its exit status. Its client goes
  // first: an idle connection delays a graceful shutdown by seconds.
  int StopNode(int i) {
    nodes_[i].client.reset();
    return nodes_[i].process->Stop();
  }

  ::testing::AssertionResult StartAll() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      ::testing::AssertionResult started = StartNode(static_cast<int>(i));
      if (!started) return started;
    }
    return ::testing::AssertionSuccess();
  }

  // The state of node `i`'s first source; a default one if unreachable.
  v1::SourceState FirstSource(int i) {
    absl::StatusOr<v1::ReplicationStatusResponse> status =
        nodes_[i].client->ReplicationStatus();
    if (!status.ok() || status->sources_size() == 0) return {};
    return status->sources(0);
  }

  // Waits until node `i` has applied at least `ops` operations since it
  // started: it is replicating right now.
  ::testing::AssertionResult WaitForApplied(int i, uint64_t ops) {
    if (PollUntil([&] { return FirstSource(i).applied_ops() >= ops; })) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "node " << nodes_[i].id << " applied no more than "
           << FirstSource(i).applied_ops() << " operations";
  }

  // Waits until every node has `space` (a space reaches a node with the
  // first change to it).
  ::testing::AssertionResult WaitForSpace(const std::string& space = "s") {
    for (Node& node : nodes_) {
      if (!PollUntil([&] { return node.client->GetSpace(space).ok(); })) {
        return ::testing::AssertionFailure()
               << "node " << node.id << " never got space " << space;
      }
    }
    return ::testing::AssertionSuccess();
  }

  // Polls until `digest` is the same on every node and every source of
  // every node is streaming with no revisions left to consider; returns the
  // agreed digest, or DeadlineExceeded with what each node reported last
  // (`difference` describes how a node's digest differs from the first
  // node's).
  template <typename Digest>
  absl::StatusOr<Digest> WaitForAgreement(
      const std::function<absl::StatusOr<Digest>(Node&)>& digest,
      const std::function<std::string(const Digest&, const Digest&)>&
          difference) {
    std::string state;
    Digest agreed;
    bool converged = PollUntil([&] {
      std::ostringstream out;
      std::optional<Digest> first;
      bool same = true;
      for (Node& node : nodes_) {
        absl::StatusOr<Digest> mine = digest(node);
        absl::StatusOr<v1::ReplicationStatusResponse> status =
            node.client->ReplicationStatus();
        if (!mine.ok() || !status.ok()) {
          out << "node " << node.id << ": " << mine.status() << " "
              << status.status() << "; ";
          same = false;
          continue;
        }
        out << "node " << node.id;
        if (!first.has_value()) {
          first = std::move(*mine);
        } else if (*mine != *first) {
          out << ": first difference " << difference(*first, *mine);
          same = false;
        }
        for (const v1::SourceState& source : status->sources()) {
          out << ", source " << source.node_id() << " " << source.state()
              << " lag " << source.lag_revisions() << " cursor "
              << source.cursor() << " error '" << source.last_error() << "'";
          same = same && source.state() == "streaming" &&
                 source.lag_revisions() == 0;
        }
        out << "; ";
      }
      state = out.str();
      same = same && first.has_value();
      if (same) agreed = std::move(*first);
      return same;
    });
    if (!converged) {
      return absl::DeadlineExceededError("replication did not converge: " +
                                         state);
    }
    return agreed;
  }

  TempDir dir_;
  std::vector<Node> nodes_;
};

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_INTEGRATION_REPLICATION_CLUSTER_H_
