// Replication of the graph between real infdb-server processes: servers
// that write records and edges at once (the same client-chosen edge ids on
// several servers, deletes, records and edges in one commit) converge on
// the last-writer-wins state of every acknowledged write, read back the
// same way on every server (edges by kind and by id with their stamps, the
// incidence and degree of every node); a client-chosen id in a server's own
// id range moves that server's counter past it, also across a restart; and
// a follower behind the source's retained WAL gets the edges from a full
// copy.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/infdb_client.h"
#include "tests/integration/graph_digest.h"
#include "tests/integration/replication_cluster.h"

namespace infinitedb {
namespace {

using testing::AckedWrite;
using testing::Digest;
using testing::kGraphSpace;
using testing::kGridSide;
using testing::Node;

// Client-chosen edge ids that every writer puts and deletes: below 2^40,
// so that no server ever assigns them.
constexpr uint64_t kSharedIds[] = {1, 2, 3, 4, 5};
constexpr int kIdCounterBits = 40;

// An edge with `id` on 2 or 3 distinct nodes of the grid: a directed
// "k.flow" (first endpoint a tail, last a head, a middle one neutral) or an
// undirected "k.pipe".
v1::Edge RandomEdge(std::mt19937& random, uint64_t id, const std::string& tag) {
  v1::Edge edge;
  edge.set_id(id);
  const bool directed = random() % 2 == 0;
  edge.set_kind(directed ? "k.flow" : "k.pipe");
  edge.set_directed(directed);
  const size_t count = 2 + random() % 2;
  std::vector<std::pair<uint32_t, uint32_t>> nodes;
  while (nodes.size() < count) {
    std::pair<uint32_t, uint32_t> node(random() % kGridSide,
                                       random() % kGridSide);
    if (std::find(nodes.begin(), nodes.end(), node) == nodes.end()) {
      nodes.push_back(node);
    }
  }
  for (size_t i = 0; i < count; ++i) {
    v1::Endpoint* endpoint = edge.add_endpoints();
    endpoint->set_space(kGraphSpace);
    endpoint->mutable_point()->add_coordinates(nodes[i].first);
    endpoint->mutable_point()->add_coordinates(nodes[i].second);
    endpoint->set_role("r" + std::to_string(i));
    if (directed) {
      endpoint->set_polarity(i == 0           ? v1::POLARITY_TAIL
                             : i == count - 1 ? v1::POLARITY_HEAD
                                              : v1::POLARITY_NEUTRAL);
    }
  }
  if (random() % 2 == 0) edge.mutable_weight()->set_value(random() % 100);
  (*edge.mutable_properties())["by"] = tag;
  return edge;
}

// What one writer did: its acknowledged writes and the ids the server
// assigned to its new edges (and which of them it has not deleted).
struct WriterLog {
  std::vector<AckedWrite> acked;
  std::vector<uint64_t> assigned;
  std::vector<uint64_t> live_assigned;
};

AckedWrite EdgeAck(const v1::Edge& edge, bool deleted,
                   const v1::CommitStamp& stamp) {
  AckedWrite write;
  write.is_edge = true;
  write.deleted = deleted;
  write.edge = edge;
  write.hlc = stamp.hlc();
  write.origin = stamp.origin();
  return write;
}

AckedWrite RecordAck(const std::vector<uint32_t>& address, bool deleted,
                     const std::string& value, const v1::CommitStamp& stamp) {
  AckedWrite write;
  write.address = address;
  write.deleted = deleted;
  write.value = deleted ? "" : value;
  write.hlc = stamp.hlc();
  write.origin = stamp.origin();
  return write;
}

// Deletes edge `id`; a NOT_FOUND (no live version here) writes nothing.
// False (and a test failure) on any other error.
bool DeleteEdge(client::Client& client, uint64_t id, WriterLog& log) {
  v1::DeleteEdgeRequest request;
  request.set_id(id);
  absl::StatusOr<v1::EdgeWriteResponse> deleted = client.DeleteEdge(request);
  if (absl::IsNotFound(deleted.status())) return true;
  if (!deleted.ok()) {
    ADD_FAILURE() << "delete edge " << id << ": " << deleted.status();
    return false;
  }
  v1::Edge edge;
  edge.set_id(id);
  log.acked.push_back(EdgeAck(edge, true, deleted->stamp()));
  return true;
}

// One random write: a record put or delete on the grid, a put or delete
// of a shared edge id, a new edge (assigned id), a delete of one of this
// writer's new edges, or a record and an edge in one commit.
bool RandomGraphWrite(client::Client& client, std::mt19937& random,
                      const std::string& tag, WriterLog& log) {
  const std::vector<uint32_t> address = {
      static_cast<uint32_t>(random() % kGridSide),
      static_cast<uint32_t>(random() % kGridSide)};
  const uint64_t shared = kSharedIds[random() % std::size(kSharedIds)];
  const std::string value = tag + "." + std::to_string(log.acked.size());
  const uint32_t choice = random() % 10;
  absl::Status failed;
  if (choice <= 2) {
    const bool deleted = choice == 2;
    absl::StatusOr<v1::CommitStamp> stamp =
        deleted ? client.Delete("", kGraphSpace, address)
                : client.Put("", kGraphSpace, address, value);
    if (stamp.ok())
      log.acked.push_back(RecordAck(address, deleted, value, *stamp));
    failed = stamp.status();
  } else if (choice <= 5 || choice == 7) {
    v1::PutEdgeRequest request;
    *request.mutable_edge() = RandomEdge(random, choice == 7 ? 0 : shared, tag);
    absl::StatusOr<v1::EdgeWriteResponse> put = client.PutEdge(request);
    if (put.ok()) {
      request.mutable_edge()->set_id(put->id());
      log.acked.push_back(EdgeAck(request.edge(), false, put->stamp()));
      if (choice == 7) {
        log.assigned.push_back(put->id());
        log.live_assigned.push_back(put->id());
      }
    }
    failed = put.status();
  } else if (choice == 6) {
    return DeleteEdge(client, shared, log);
  } else if (choice == 8) {
    if (log.live_assigned.empty()) return true;
    const uint64_t id = log.live_assigned.back();
    log.live_assigned.pop_back();
    return DeleteEdge(client, id, log);
  } else {
    v1::GraphWriteRequest write;
    v1::Mutation* record = write.add_records();
    record->set_space(kGraphSpace);
    record->mutable_point()->mutable_coordinates()->Assign(address.begin(),
                                                           address.end());
    record->set_put_value(value);
    *write.add_edges()->mutable_put() = RandomEdge(random, shared, tag);
    absl::StatusOr<v1::GraphWriteResponse> written = client.Write(write);
    if (written.ok()) {
      log.acked.push_back(RecordAck(address, false, value, written->stamp()));
      log.acked.push_back(
          EdgeAck(write.edges(0).put(), false, written->stamp()));
    }
    failed = written.status();
  }
  if (failed.ok()) return true;
  ADD_FAILURE() << tag << " write " << choice << ": " << failed;
  return false;
}

class GraphReplicationTest : public testing::ClusterTest {
 protected:
  // Every node's digest agrees (and every source is caught up).
  absl::StatusOr<Digest> WaitForSameGraph(const std::set<uint64_t>& ids) {
    return WaitForAgreement<Digest>(
        [&](Node& node) { return testing::ReadDigest(*node.client, ids); },
        testing::FirstDifference);
  }

  // The agreed digest is the last-writer-wins state of `logs`' writes.
  void ExpectConverged(const std::vector<WriterLog>& logs) {
    std::set<uint64_t> ids(std::begin(kSharedIds), std::end(kSharedIds));
    std::vector<AckedWrite> acked;
    for (const WriterLog& log : logs) {
      ids.insert(log.assigned.begin(), log.assigned.end());
      acked.insert(acked.end(), log.acked.begin(), log.acked.end());
    }
    absl::StatusOr<Digest> digest = WaitForSameGraph(ids);
    ASSERT_TRUE(digest.ok()) << digest.status();
    const Digest expected = testing::ExpectedDigest(acked, ids);
    EXPECT_EQ(digest->size(), expected.size());
    EXPECT_TRUE(*digest == expected)
        << "first difference (replicated vs expected): "
        << testing::FirstDifference(*digest, expected);
  }

  absl::StatusOr<uint64_t> PutEdge(int node, uint64_t id) {
    std::mt19937 random(static_cast<uint32_t>(id));
    v1::PutEdgeRequest request;
    *request.mutable_edge() = RandomEdge(random, id, "put");
    absl::StatusOr<v1::EdgeWriteResponse> put =
        nodes_[node].client->PutEdge(request);
    if (!put.ok()) return put.status();
    request.mutable_edge()->set_id(put->id());
    log_.acked.push_back(EdgeAck(request.edge(), false, put->stamp()));
    if (id == 0) log_.assigned.push_back(put->id());
    return put->id();
  }

  // Creates the space on node 1 with a first record (a space reaches the
  // others with the first change to it) and waits for it everywhere.
  ::testing::AssertionResult CreateSpaceEverywhere() {
    client::Client& client = *nodes_[0].client;
    absl::Status created = client.CreateSpace(kGraphSpace, 2).status();
    if (!created.ok()) return ::testing::AssertionFailure() << created;
    absl::StatusOr<v1::CommitStamp> seed =
        client.Put("", kGraphSpace, {0, 0}, "seed");
    if (!seed.ok()) return ::testing::AssertionFailure() << seed.status();
    log_.acked.push_back(RecordAck({0, 0}, false, "seed", *seed));
    return WaitForSpace(kGraphSpace);
  }

  // The seed and the writes made by PutEdge.
  WriterLog log_;
};

TEST_F(GraphReplicationTest, ThreeNodeMeshConvergesOnRecordsAndEdges) {
  MakeNodes(3);
  Peer(0, {1, 2});
  Peer(1, {0, 2});
  Peer(2, {0, 1});
  ASSERT_TRUE(StartAll());
  ASSERT_TRUE(CreateSpaceEverywhere());

  std::vector<WriterLog> logs(nodes_.size());
  logs[0] = log_;  // the seed
  std::vector<std::thread> writers;
  for (size_t w = 0; w < nodes_.size(); ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 random(static_cast<uint32_t>(w + 1));
      const std::string tag = "n" + std::to_string(nodes_[w].id);
      for (int i = 0; i < 150; ++i) {
        if (!RandomGraphWrite(*nodes_[w].client, random, tag, logs[w])) break;
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  ExpectConverged(logs);

  // The same client-chosen ids were written on more than one server.
  std::map<uint64_t, std::set<uint32_t>> origins;
  std::set<uint64_t> assigned;
  for (size_t w = 0; w < logs.size(); ++w) {
    for (const AckedWrite& write : logs[w].acked) {
      if (write.is_edge) origins[write.edge.id()].insert(write.origin);
    }
    // Assigned ids are unique and carry their server's node id.
    for (uint64_t id : logs[w].assigned) {
      EXPECT_EQ(id >> kIdCounterBits, nodes_[w].id) << id;
      EXPECT_TRUE(assigned.insert(id).second) << "assigned twice: " << id;
    }
  }
  for (uint64_t id : kSharedIds) {
    EXPECT_GE(origins[id].size(), 2u) << "edge " << id;
  }
}

TEST_F(GraphReplicationTest, ClientIdInAServersRangeMovesItsCounterPastIt) {
  MakeNodes(2);
  Peer(0, {1});
  Peer(1, {0});
  ASSERT_TRUE(StartAll());
  ASSERT_TRUE(CreateSpaceEverywhere());
  const uint64_t node2 = uint64_t{2} << kIdCounterBits;

  // Chosen on node 1 in node 2's range: node 2 moves past it once the edge
  // arrives.
  ASSERT_TRUE(PutEdge(0, node2 | 100).ok());
  ASSERT_TRUE(testing::PollUntil([&] {
    v1::GetEdgeRequest get;
    get.set_id(node2 | 100);
    absl::StatusOr<v1::GetEdgeResponse> got = nodes_[1].client->GetEdge(get);
    return got.ok() && got->found();
  }));
  absl::StatusOr<uint64_t> id = PutEdge(1, 0);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_GT(*id, node2 | 100);
  EXPECT_LT(*id, uint64_t{3} << kIdCounterBits);
  // Chosen on node 2 itself, in its own range.
  ASSERT_TRUE(PutEdge(1, node2 | 5000).ok());
  id = PutEdge(1, 0);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_GT(*id, node2 | 5000);
  // Node 1's own counter did not move for an id of node 2's range.
  ASSERT_TRUE(PutEdge(0, 77).ok());
  id = PutEdge(0, 0);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id >> kIdCounterBits, 1u);
  EXPECT_LT(*id, (uint64_t{1} << kIdCounterBits) | 100);

  // The counter stays past the chosen id after a restart.
  ASSERT_EQ(StopNode(1), 0);
  ASSERT_TRUE(StartNode(1));
  id = PutEdge(1, 0);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_GT(*id, node2 | 5000);
  ExpectConverged({log_});
}

TEST_F(GraphReplicationTest, FollowerBehindRetainedWalGetsEdgesFromFullCopy) {
  MakeNodes(2);
  nodes_[0].flags.push_back("--replication-retention-revisions=20");
  Peer(1, {0});
  ASSERT_TRUE(StartAll());
  client::Client& source = *nodes_[0].client;
  ASSERT_TRUE(source.CreateSpace(kGraphSpace, 2).ok());
  std::vector<WriterLog> logs(1);
  std::mt19937 random(11);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(RandomGraphWrite(source, random, "a", logs[0]));
  }
  ExpectConverged(logs);
  ASSERT_EQ(StopNode(1), 0);

  // 200 writes and two flushes (the second releases the WAL segment the
  // first closed), starting with deletes of the edges the follower has.
  for (uint64_t id : kSharedIds) ASSERT_TRUE(DeleteEdge(source, id, logs[0]));
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(RandomGraphWrite(source, random, "b", logs[0]));
    }
    ASSERT_TRUE(source.Flush().ok());
  }
  absl::StatusOr<v1::ReplicationStatusResponse> status =
      source.ReplicationStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_EQ(status->subscribers_size(), 1);
  EXPECT_GT(status->oldest_change_revision(),
            status->subscribers(0).acked_revision())
      << "the follower's changes should have been released";

  ASSERT_TRUE(StartNode(1));
  ExpectConverged(logs);
  EXPECT_GE(FirstSource(1).full_copies(), 1u)
      << FirstSource(1).ShortDebugString();
}

}  // namespace
}  // namespace infinitedb
