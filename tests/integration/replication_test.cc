// Replication between real infdb-server processes. Peers that pull each
// other's changes converge on the last-writer-wins state of every write they
// acknowledged (two nodes, a three-node mesh); a follower killed with
// SIGKILL or stopped with SIGTERM catches up without losing or repeating a
// change; a follower behind the source's retained WAL resynchronises from a
// full copy; and Subscribe, used as a plain change-data client, streams
// exactly the committed change sets.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "client/infdb_client.h"
#include "tests/integration/replication_cluster.h"

namespace infinitedb {
namespace {

using Address = std::vector<uint32_t>;
using testing::kStreamDeadline;
using testing::Node;
using testing::PollUntil;

std::string Format(const Address& address) {
  std::ostringstream out;
  out << "(";
  for (size_t i = 0; i < address.size(); ++i) {
    out << (i > 0 ? "," : "") << address[i];
  }
  out << ")";
  return out.str();
}

v1::Point ToPoint(const Address& address) {
  v1::Point point;
  point.mutable_coordinates()->Assign(address.begin(), address.end());
  return point;
}

// The newest live version of one address as a scan returns it. The local
// revision differs between nodes and is left out.
struct Version {
  std::string value;
  uint64_t hlc = 0;
  uint32_t origin = 0;
  bool operator==(const Version&) const = default;
};
// A full scan of a space: what every node must agree on.
using Digest = std::map<Address, Version>;

absl::StatusOr<Digest> Scan(client::Client& client, const std::string& space) {
  v1::QueryRequest request;
  request.set_space(space);
  Digest digest;
  absl::StatusOr<client::QuerySummary> summary =
      client.Query(request, [&digest](const v1::Record& record) {
        Address address(record.point().coordinates().begin(),
                        record.point().coordinates().end());
        digest[address] = {record.value(), record.stamp().hlc(),
                           record.stamp().origin()};
        return true;
      });
  if (!summary.ok()) return summary.status();
  return digest;
}

// The first address where two digests differ, for a failure message.
std::string FirstDifference(const Digest& a, const Digest& b) {
  auto describe = [](const Digest& digest, const Address& address) {
    auto found = digest.find(address);
    if (found == digest.end()) return std::string("absent");
    const Version& v = found->second;
    return "'" + v.value + "' hlc " + std::to_string(v.hlc) + " origin " +
           std::to_string(v.origin);
  };
  auto ia = a.begin();
  auto ib = b.begin();
  while (ia != a.end() || ib != b.end()) {
    Address at;
    if (ib == b.end() || (ia != a.end() && ia->first < ib->first)) {
      at = ia->first;
    } else if (ia == a.end() || ib->first < ia->first) {
      at = ib->first;
    } else if (ia->second == ib->second) {
      ++ia, ++ib;
      continue;
    } else {
      at = ia->first;
    }
    return Format(at) + ": " + describe(a, at) + " vs " + describe(b, at);
  }
  return "none";
}

// A write whose acknowledgement a client received, with its stamp.
struct Acked {
  Address address;
  bool deleted = false;
  std::string value;
  uint64_t hlc = 0;
  uint32_t origin = 0;
};

// What last-writer-wins must leave: per address the acknowledged write with
// the greatest (hlc, origin); an address whose winner is a delete is absent.
Digest ExpectedState(const std::vector<Acked>& writes) {
  std::map<Address, const Acked*> winners;
  for (const Acked& write : writes) {
    const Acked*& winner = winners[write.address];
    if (winner == nullptr || std::tie(write.hlc, write.origin) >
                                 std::tie(winner->hlc, winner->origin)) {
      winner = &write;
    }
  }
  Digest expected;
  for (const auto& [address, winner] : winners) {
    if (!winner->deleted) {
      expected[address] = {winner->value, winner->hlc, winner->origin};
    }
  }
  return expected;
}

// One put (or, with `deleted`, a delete) to space "s" of main; nullopt
// (and a test failure) when it was not acknowledged.
std::optional<Acked> Write(client::Client& client, const Address& address,
                           bool deleted, const std::string& value) {
  absl::StatusOr<v1::CommitStamp> stamp =
      deleted ? client.Delete("", "s", address)
              : client.Put("", "s", address, value);
  if (!stamp.ok()) {
    ADD_FAILURE() << "write to " << Format(address) << ": " << stamp.status();
    return std::nullopt;
  }
  return Acked{address, deleted, deleted ? "" : value, stamp->hlc(),
               stamp->origin()};
}

// `count` random puts (three in four) and deletes: on `shared` addresses,
// which every writer uses, or on addresses (1000 + writer, 0..9) that only
// this writer uses.
std::vector<Acked> RandomWrites(client::Client& client, uint32_t writer,
                                int count, const std::vector<Address>& shared) {
  std::mt19937 random(writer);
  std::vector<Acked> acked;
  for (int i = 0; i < count; ++i) {
    Address address =
        random() % 2 == 0
            ? shared[random() % shared.size()]
            : Address{1000 + writer, static_cast<uint32_t>(random() % 10)};
    bool deleted = random() % 4 == 0;
    std::string value = "w" + std::to_string(writer) + "." + std::to_string(i);
    std::optional<Acked> write = Write(client, address, deleted, value);
    if (!write.has_value()) break;
    acked.push_back(*write);
  }
  return acked;
}

// Acknowledged writes shared between writer threads and the test.
class AckedLog {
 public:
  void Add(const Acked& write) {
    std::lock_guard<std::mutex> lock(mu_);
    writes_.push_back(write);
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_.size();
  }
  std::vector<Acked> writes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Acked> writes_;
};

class ServerReplicationTest : public testing::ClusterTest {
 protected:
  // Polls until every node's full scan of space "s" is the same and every
  // source of every node is streaming with no revisions left to consider;
  // returns the agreed scan.
  absl::StatusOr<Digest> WaitForConvergence() {
    return WaitForAgreement<Digest>(
        [](Node& node) { return Scan(*node.client, "s"); }, FirstDifference);
  }

  // Every node writes with `writers_per_node` threads at once, on shared
  // addresses (conflicts) and on addresses of their own; afterwards every
  // node holds the last-writer-wins state of all acknowledged writes.
  void ConcurrentWritersConverge(int writers_per_node) {
    ASSERT_TRUE(nodes_[0].client->CreateSpace("s", 2).ok());
    std::vector<Acked> acked;
    std::optional<Acked> seed = Write(*nodes_[0].client, {0, 0}, false, "seed");
    ASSERT_TRUE(seed.has_value());
    acked.push_back(*seed);
    ASSERT_TRUE(WaitForSpace());

    std::vector<Address> shared;
    for (uint32_t i = 0; i < 6; ++i) shared.push_back({i, 0});
    std::vector<std::vector<Acked>> per_writer(nodes_.size() *
                                               writers_per_node);
    std::vector<std::thread> writers;
    for (size_t w = 0; w < per_writer.size(); ++w) {
      writers.emplace_back([&, w] {
        client::Client& client = *nodes_[w / writers_per_node].client;
        per_writer[w] =
            RandomWrites(client, static_cast<uint32_t>(w), 120, shared);
      });
    }
    for (std::thread& writer : writers) writer.join();
    for (const auto& writes : per_writer) {
      acked.insert(acked.end(), writes.begin(), writes.end());
    }

    absl::StatusOr<Digest> digest = WaitForConvergence();
    ASSERT_TRUE(digest.ok()) << digest.status();
    Digest expected = ExpectedState(acked);
    EXPECT_EQ(digest->size(), expected.size());
    EXPECT_TRUE(*digest == expected)
        << "first difference (replicated vs expected): "
        << FirstDifference(*digest, expected);
  }
};

TEST_F(ServerReplicationTest,
       TwoNodesWritingConflictsConvergeOnLastWriterWins) {
  MakeNodes(2);
  Peer(0, {1});
  Peer(1, {0});
  ASSERT_TRUE(StartAll());
  ConcurrentWritersConverge(2);
}

TEST_F(ServerReplicationTest, ThreeNodeMeshConvergesOnLastWriterWins) {
  MakeNodes(3);
  Peer(0, {1, 2});
  Peer(1, {0, 2});
  Peer(2, {0, 1});
  ASSERT_TRUE(StartAll());
  ConcurrentWritersConverge(1);
}

TEST_F(ServerReplicationTest, FollowerKilledWithSigkillCatchesUpExactlyOnce) {
  MakeNodes(2);
  Peer(1, {0});  // node 2 follows node 1
  ASSERT_TRUE(StartAll());
  client::Client& source = *nodes_[0].client;
  ASSERT_TRUE(source.CreateSpace("s", 2).ok());
  AckedLog acked;
  // Single-record puts to fresh addresses, each with its own value. A
  // jthread: an assertion that ends the test early still stops and joins
  // it.
  std::jthread writer([&](std::stop_token stop) {
    for (uint32_t i = 0; !stop.stop_requested(); ++i) {
      std::optional<Acked> write =
          Write(source, {i % 1000, i / 1000}, false, "v" + std::to_string(i));
      if (!write.has_value()) return;
      acked.Add(*write);
    }
  });
  for (int cycle = 0; cycle < 2; ++cycle) {
    // Killed while it applies changes...
    ASSERT_TRUE(WaitForApplied(1, 20));
    nodes_[1].process->Kill();
    // ...and restarted after the source wrote more.
    size_t at_kill = acked.size();
    ASSERT_TRUE(PollUntil([&] { return acked.size() >= at_kill + 30; }));
    ASSERT_TRUE(StartNode(1));
  }
  ASSERT_TRUE(WaitForApplied(1, 20));
  writer.request_stop();
  writer.join();

  absl::StatusOr<Digest> digest = WaitForConvergence();
  ASSERT_TRUE(digest.ok()) << digest.status();
  std::vector<Acked> writes = acked.writes();
  EXPECT_EQ(digest->size(), writes.size());
  // Every acknowledged write is on the follower once, with its stamp.
  for (const Acked& write : writes) {
    v1::HistoryRequest request;
    request.set_space("s");
    *request.mutable_point() = ToPoint(write.address);
    absl::StatusOr<v1::HistoryResponse> history =
        nodes_[1].client->History(request);
    ASSERT_TRUE(history.ok()) << history.status();
    ASSERT_EQ(history->versions_size(), 1) << Format(write.address);
    const v1::Record& version = history->versions(0);
    EXPECT_EQ(version.value(), write.value) << Format(write.address);
    EXPECT_EQ(version.stamp().hlc(), write.hlc) << Format(write.address);
    EXPECT_EQ(version.stamp().origin(), write.origin) << Format(write.address);
    EXPECT_FALSE(version.deleted());
  }
}

TEST_F(ServerReplicationTest, PeerStoppedWithSigtermCatchesUpAfterRestart) {
  MakeNodes(2);
  Peer(0, {1});
  Peer(1, {0});
  ASSERT_TRUE(StartAll());
  ASSERT_TRUE(nodes_[0].client->CreateSpace("s", 2).ok());
  AckedLog acked;
  // Puts and deletes that overwrite each other on 40 addresses.
  std::jthread writer([&](std::stop_token stop) {
    std::mt19937 random(4);
    for (int i = 0; !stop.stop_requested(); ++i) {
      std::optional<Acked> write =
          Write(*nodes_[0].client, {static_cast<uint32_t>(random() % 40), 1},
                random() % 4 == 0, "v" + std::to_string(i));
      if (!write.has_value()) return;
      acked.Add(*write);
    }
  });
  ASSERT_TRUE(WaitForApplied(1, 20));
  int exit_status = StopNode(1);
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0)
      << "exit status " << exit_status;
  size_t at_stop = acked.size();
  ASSERT_TRUE(PollUntil([&] { return acked.size() >= at_stop + 30; }));
  ASSERT_TRUE(StartNode(1));
  ASSERT_TRUE(WaitForApplied(1, 1));
  // The node that kept running pulls the restarted one's writes too.
  for (uint32_t i = 0; i < 10; ++i) {
    std::optional<Acked> write =
        Write(*nodes_[1].client, {i, 2}, false, "b" + std::to_string(i));
    ASSERT_TRUE(write.has_value());
    acked.Add(*write);
  }
  writer.request_stop();
  writer.join();

  absl::StatusOr<Digest> digest = WaitForConvergence();
  ASSERT_TRUE(digest.ok()) << digest.status();
  Digest expected = ExpectedState(acked.writes());
  EXPECT_TRUE(*digest == expected)
      << "first difference (replicated vs expected): "
      << FirstDifference(*digest, expected);
}

// A Subscribe stream opened by the test as a plain client.
class Subscription {
 public:
  Subscription(client::Client& client, const v1::SubscribeMessage& first) {
    context_.set_deadline(std::chrono::system_clock::now() + kStreamDeadline);
    stream_ = client.replication().Subscribe(&context_);
    stream_->Write(first);
  }
  Subscription(client::Client& client, const v1::SubscribeRequest& start)
      : Subscription(client, StartMessage(start)) {}
  ~Subscription() {
    if (!finished_) Cancel();
  }

  // Reads until the server says it sent every change set up to `revision`
  // (or, with `until_copied`, until a full copy is complete); false when
  // the stream ended first.
  bool ReadThrough(uint64_t revision, bool until_copied = false) {
    v1::SubscribeResponse message;
    while (stream_->Read(&message)) {
      node_id = message.node_id();
      for (const v1::ChangeSet& change : message.changes()) {
        changes.push_back(change);
      }
      for (const v1::ChangeOp& op : message.copy()) copy.push_back(op);
      skipped += message.skipped_changes();
      if (message.copy_complete_revision() != 0) {
        copy_complete_revision = message.copy_complete_revision();
      }
      if (until_copied ? copy_complete_revision != 0
                       : message.through_revision() >= revision) {
        return true;
      }
    }
    return false;
  }

  bool Ack(uint64_t revision) {
    v1::SubscribeMessage message;
    message.mutable_ack()->set_applied_revision(revision);
    return stream_->Write(message);
  }

  // Reads to the end of the stream; returns how the server ended it.
  grpc::Status Finish() {
    v1::SubscribeResponse message;
    while (stream_->Read(&message)) {
    }
    finished_ = true;
    return stream_->Finish();
  }

  // Ends the stream from this side.
  void Cancel() {
    context_.TryCancel();
    Finish();
  }

  std::vector<v1::ChangeSet> changes;
  uint64_t skipped = 0;
  std::vector<v1::ChangeOp> copy;
  uint64_t copy_complete_revision = 0;
  uint32_t node_id = 0;

 private:
  static v1::SubscribeMessage StartMessage(const v1::SubscribeRequest& start) {
    v1::SubscribeMessage message;
    *message.mutable_start() = start;
    return message;
  }

  grpc::ClientContext context_;
  std::unique_ptr<
      grpc::ClientReaderWriter<v1::SubscribeMessage, v1::SubscribeResponse>>
      stream_;
  bool finished_ = false;
};

v1::SubscribeRequest After(uint64_t revision) {
  v1::SubscribeRequest start;
  start.set_after_revision(revision);
  return start;
}

TEST_F(ServerReplicationTest,
       FollowerBehindRetainedWalResynchronisesFromFullCopy) {
  MakeNodes(2);
  nodes_[0].flags.push_back("--replication-retention-revisions=20");
  Peer(1, {0});
  ASSERT_TRUE(StartAll());
  client::Client& source = *nodes_[0].client;
  ASSERT_TRUE(source.CreateSpace("s", 2).ok());
  std::vector<Acked> acked;
  auto write = [&](const Address& address, bool deleted) {
    std::optional<Acked> written =
        Write(source, address, deleted, "v" + std::to_string(acked.size()));
    if (written.has_value()) acked.push_back(*written);
    return written.has_value();
  };
  for (uint32_t i = 0; i < 10; ++i) ASSERT_TRUE(write({i, 0}, false));
  ASSERT_TRUE(WaitForConvergence().ok());
  ASSERT_EQ(StopNode(1), 0);

  // 200 commits, including deletes of what the follower has, and two
  // flushes: the second releases the WAL segment the first one closed.
  for (int round = 0; round < 2; ++round) {
    for (uint32_t i = 0; i < 100; ++i) {
      bool deleted = round == 0 && i < 5;
      ASSERT_TRUE(
          write(deleted ? Address{i, 0} : Address{i, 1u + round}, deleted));
    }
    ASSERT_TRUE(source.Flush().ok());
  }
  absl::StatusOr<v1::ReplicationStatusResponse> status =
      source.ReplicationStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->retention_revisions(), 20u);
  ASSERT_EQ(status->subscribers_size(), 1);
  const uint64_t oldest = status->oldest_change_revision();
  EXPECT_GT(oldest, status->subscribers(0).acked_revision())
      << "the follower's changes should have been released";

  Subscription too_old(source, After(1));
  grpc::Status ended = too_old.Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_NE(ended.error_message().find(
                "oldest revision a subscription can start after is " +
                std::to_string(oldest)),
            std::string::npos)
      << ended.error_message();

  ASSERT_TRUE(StartNode(1));
  absl::StatusOr<Digest> digest = WaitForConvergence();
  ASSERT_TRUE(digest.ok()) << digest.status();
  Digest expected = ExpectedState(acked);
  EXPECT_TRUE(*digest == expected)
      << "first difference (replicated vs expected): "
      << FirstDifference(*digest, expected);
  EXPECT_TRUE(PollUntil([&] { return FirstSource(1).full_copies() >= 1; }))
      << FirstSource(1).ShortDebugString();
}

// One commit the subscribe tests made, with the operations the change
// stream must report for it.
struct Commit {
  uint64_t revision = 0;
  std::vector<v1::ChangeOp> ops;
};

// An operation as a comparable, readable line.
std::string Describe(const v1::ChangeOp& op) {
  std::ostringstream out;
  out << op.branch() << "/" << op.space() << " "
      << Format(
             {op.point().coordinates().begin(), op.point().coordinates().end()})
      << (op.deleted() ? " deleted" : "") << " = '" << op.value() << "' hlc "
      << op.hlc() << " origin " << op.origin();
  return out.str();
}

// Change sets as (revision, sorted operation lines): a change set's order
// of operations is not part of the contract.
using ChangeLines = std::vector<std::pair<uint64_t, std::vector<std::string>>>;

ChangeLines Lines(const std::vector<v1::ChangeSet>& changes) {
  ChangeLines lines;
  for (const v1::ChangeSet& change : changes) {
    std::vector<std::string>& ops =
        lines.emplace_back(change.revision(), std::vector<std::string>())
            .second;
    for (const v1::ChangeOp& op : change.ops()) ops.push_back(Describe(op));
    std::sort(ops.begin(), ops.end());
  }
  return lines;
}

// Subscribe as a change-data client of one server (no peers), after a
// history of puts, deletes and batches on two spaces and two branches.
class ServerReplicationSubscribeTest : public ServerReplicationTest {
 protected:
  void SetUp() override {
    MakeNodes(1);
    ASSERT_TRUE(StartAll());
    client::Client& client = *nodes_[0].client;
    ASSERT_TRUE(client.CreateSpace("s", 2).ok());
    ASSERT_TRUE(client.CreateSpace("t", 1).ok());
    absl::StatusOr<v1::Branch> branch = client.CreateBranch("b", "");
    ASSERT_TRUE(branch.ok()) << branch.status();
    KeepCreationRecord(*branch);
    for (uint32_t i = 0; i < 15; ++i) {
      switch (i % 5) {
        case 0:
          Put("", "s", {i, 1}, "s" + std::to_string(i));
          break;
        case 1:
          Put("", "t", {i}, "t" + std::to_string(i));
          break;
        case 2:
          Delete("", "s", {i - 2, 1});
          break;
        case 3:
          Put("b", "s", {i, 2}, "b" + std::to_string(i));
          break;
        case 4:
          BatchOfThree(i);
          break;
      }
    }
  }

  v1::ChangeOp Op(const std::string& branch, const std::string& space,
                  const Address& address, bool deleted,
                  const std::string& value) {
    v1::ChangeOp op;
    op.set_branch(branch.empty() ? "main" : branch);
    op.set_space(space);
    *op.mutable_point() = ToPoint(address);
    op.set_deleted(deleted);
    op.set_value(value);
    return op;
  }

  // Keeps the change set that carries the creation of `branch`: one record
  // of the streamed system space __catalog on main, at the fork's revision
  // and stamp.
  void KeepCreationRecord(const v1::Branch& branch) {
    Subscription subscription(*nodes_[0].client,
                              After(branch.fork_revision() - 1));
    ASSERT_TRUE(subscription.ReadThrough(branch.fork_revision()));
    ASSERT_EQ(subscription.changes.size(), 1u);
    const v1::ChangeSet& change = subscription.changes.front();
    EXPECT_EQ(change.revision(), branch.fork_revision());
    ASSERT_EQ(change.ops_size(), 1);
    const v1::ChangeOp& op = change.ops(0);
    EXPECT_EQ(op.branch(), "main");
    EXPECT_EQ(op.space(), "__catalog");
    EXPECT_FALSE(op.deleted());
    EXPECT_NE(op.value().find(branch.name()), std::string::npos);
    EXPECT_EQ(op.hlc(), branch.fork_hlc());
    EXPECT_EQ(op.origin(), nodes_[0].id);
    commits_.push_back({change.revision(), {op}});
  }

  // Keeps a commit and the stamp its operations carry.
  void Keep(const absl::StatusOr<v1::CommitStamp>& stamp,
            std::vector<v1::ChangeOp> ops) {
    ASSERT_TRUE(stamp.ok()) << stamp.status();
    for (v1::ChangeOp& op : ops) {
      op.set_hlc(stamp->hlc());
      op.set_origin(stamp->origin());
    }
    commits_.push_back({stamp->revision(), std::move(ops)});
  }

  void Put(const std::string& branch, const std::string& space,
           const Address& address, const std::string& value) {
    Keep(nodes_[0].client->Put(branch, space, address, value),
         {Op(branch, space, address, false, value)});
  }

  void Delete(const std::string& branch, const std::string& space,
              const Address& address) {
    Keep(nodes_[0].client->Delete(branch, space, address),
         {Op(branch, space, address, true, "")});
  }

  // One revision touching both spaces: two puts and a delete.
  void BatchOfThree(uint32_t i) {
    std::vector<v1::ChangeOp> ops = {
        Op("", "s", {i, 3}, false, "bs" + std::to_string(i)),
        Op("", "t", {100 + i}, false, "bt" + std::to_string(i)),
        Op("", "t", {i - 3}, true, "")};
    v1::BatchRequest batch;
    for (const v1::ChangeOp& op : ops) {
      v1::Mutation* mutation = batch.add_mutations();
      mutation->set_space(op.space());
      *mutation->mutable_point() = op.point();
      if (op.deleted()) {
        mutation->set_delete_(true);
      } else {
        mutation->set_put_value(op.value());
      }
    }
    Keep(nodes_[0].client->Batch(batch), std::move(ops));
  }

  uint64_t last_revision() const { return commits_.back().revision; }

  // The change sets after `after` that `keep` leaves something of, with
  // only the operations it keeps; *skipped counts the others.
  ChangeLines Expected(uint64_t after,
                       const std::function<bool(const v1::ChangeOp&)>& keep,
                       uint64_t* skipped = nullptr) const {
    std::vector<v1::ChangeSet> changes;
    for (const Commit& commit : commits_) {
      if (commit.revision <= after) continue;
      v1::ChangeSet change;
      change.set_revision(commit.revision);
      for (const v1::ChangeOp& op : commit.ops) {
        if (keep(op)) *change.add_ops() = op;
      }
      if (change.ops_size() > 0) {
        changes.push_back(std::move(change));
      } else if (skipped != nullptr) {
        ++*skipped;
      }
    }
    return Lines(changes);
  }

  static bool All(const v1::ChangeOp&) { return true; }

  // What a full copy must hold of `branch`: the newest version of every
  // address it wrote itself (tombstones included), sorted.
  std::vector<std::string> NewestOf(const std::string& branch) const {
    std::map<std::pair<std::string, Address>, std::string> newest;
    for (const Commit& commit : commits_) {
      for (const v1::ChangeOp& op : commit.ops) {
        if (op.branch() != branch) continue;
        newest[{op.space(),
                {op.point().coordinates().begin(),
                 op.point().coordinates().end()}}] = Describe(op);
      }
    }
    std::vector<std::string> lines;
    for (const auto& [address, line] : newest) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  // The copied operations of `branch`, sorted.
  static std::vector<std::string> CopiedOf(
      const std::vector<v1::ChangeOp>& copy, const std::string& branch) {
    std::vector<std::string> lines;
    for (const v1::ChangeOp& op : copy) {
      if (op.branch() == branch) lines.push_back(Describe(op));
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  std::vector<Commit> commits_;
};

TEST_F(ServerReplicationSubscribeTest,
       StreamsChangeSetsAfterRevisionThenLiveOnes) {
  const std::vector<uint64_t> afters = {0, commits_[0].revision,
                                        commits_[7].revision, last_revision()};
  for (uint64_t after : afters) {
    SCOPED_TRACE("after_revision " + std::to_string(after));
    Subscription subscription(*nodes_[0].client, After(after));
    ASSERT_TRUE(subscription.ReadThrough(last_revision()));
    EXPECT_EQ(Lines(subscription.changes), Expected(after, All));
    EXPECT_EQ(subscription.skipped, 0u);
    EXPECT_EQ(subscription.node_id, nodes_[0].id);
    for (size_t i = 0; i < subscription.changes.size(); ++i) {
      EXPECT_GT(subscription.changes[i].revision(),
                i == 0 ? after : subscription.changes[i - 1].revision());
    }

    // A write made while the stream is open arrives on it.
    subscription.changes.clear();
    Put("", "s", {500, static_cast<uint32_t>(after)}, "live");
    ASSERT_TRUE(subscription.ReadThrough(last_revision()));
    EXPECT_EQ(Lines(subscription.changes), Expected(last_revision() - 1, All));
  }
}

TEST_F(ServerReplicationSubscribeTest,
       SpaceBranchAndOriginFiltersLeaveOutChanges) {
  struct Case {
    std::string name;
    v1::SubscribeRequest start;
    std::function<bool(const v1::ChangeOp&)> keep;
  };
  std::vector<Case> cases(4);
  cases[0] = {"space t", After(0),
              [](const v1::ChangeOp& op) { return op.space() == "t"; }};
  cases[0].start.add_spaces("t");
  cases[1] = {"branch b", After(0),
              [](const v1::ChangeOp& op) { return op.branch() == "b"; }};
  cases[1].start.add_branches("b");
  cases[2] = {"space s of main", After(0), [](const v1::ChangeOp& op) {
                return op.space() == "s" && op.branch() == "main";
              }};
  cases[2].start.add_spaces("s");
  cases[2].start.add_branches("main");
  cases[3] = {"origin excluded", After(0),
              [](const v1::ChangeOp&) { return false; }};
  cases[3].start.set_exclude_origin(nodes_[0].id);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Subscription subscription(*nodes_[0].client, c.start);
    ASSERT_TRUE(subscription.ReadThrough(last_revision()));
    uint64_t skipped = 0;
    EXPECT_EQ(Lines(subscription.changes), Expected(0, c.keep, &skipped));
    EXPECT_EQ(subscription.skipped, skipped);
  }
  // A live change the filter leaves out still moves the stream on.
  Subscription subscription(*nodes_[0].client, cases[0].start);
  ASSERT_TRUE(subscription.ReadThrough(last_revision()));
  uint64_t skipped_before = subscription.skipped;
  Put("", "s", {600, 0}, "filtered out");
  ASSERT_TRUE(subscription.ReadThrough(last_revision()));
  EXPECT_EQ(subscription.skipped, skipped_before + 1);
}

TEST_F(ServerReplicationSubscribeTest, AckUpdatesTheSubscribersAckedRevision) {
  v1::SubscribeRequest start = After(0);
  start.set_subscriber_id("cdc-1");
  Subscription subscription(*nodes_[0].client, start);
  ASSERT_TRUE(subscription.ReadThrough(last_revision()));
  auto acked_revision = [&]() -> std::optional<uint64_t> {
    absl::StatusOr<v1::ReplicationStatusResponse> status =
        nodes_[0].client->ReplicationStatus();
    if (!status.ok()) return std::nullopt;
    for (const v1::SubscriberState& subscriber : status->subscribers()) {
      if (subscriber.subscriber_id() == "cdc-1" && subscriber.connected()) {
        return subscriber.acked_revision();
      }
    }
    return std::nullopt;
  };
  for (uint64_t revision : {commits_[5].revision, last_revision()}) {
    ASSERT_TRUE(subscription.Ack(revision));
    EXPECT_TRUE(PollUntil([&] { return acked_revision() == revision; }))
        << "acked " << acked_revision().value_or(0) << ", want " << revision;
  }
}

// A subscriber that will not come back can be forgotten, but only while it
// is disconnected; the forgotten id no longer shows (nor holds the WAL).
TEST_F(ServerReplicationSubscribeTest, ForgetSubscriberOnlyWhenDisconnected) {
  client::Client& client = *nodes_[0].client;
  // nullopt: unknown; else whether a stream under the id is open.
  auto state = [&]() -> std::optional<bool> {
    absl::StatusOr<v1::ReplicationStatusResponse> status =
        client.ReplicationStatus();
    if (!status.ok()) return std::nullopt;
    for (const v1::SubscriberState& subscriber : status->subscribers()) {
      if (subscriber.subscriber_id() == "cdc-2") return subscriber.connected();
    }
    return std::nullopt;
  };
  v1::SubscribeRequest start = After(0);
  start.set_subscriber_id("cdc-2");
  {
    Subscription subscription(client, start);
    ASSERT_TRUE(subscription.ReadThrough(last_revision()));
    ASSERT_TRUE(subscription.Ack(commits_[3].revision));
    ASSERT_TRUE(PollUntil([&] { return state() == true; }));
    absl::Status connected = client.ForgetSubscriber("cdc-2");
    EXPECT_TRUE(absl::IsFailedPrecondition(connected)) << connected;
    EXPECT_NE(connected.message().find("subscriber_id"), std::string::npos);
  }
  ASSERT_TRUE(PollUntil([&] { return state() == false; }));
  absl::Status forgotten = client.ForgetSubscriber("cdc-2");
  EXPECT_TRUE(forgotten.ok()) << forgotten;
  EXPECT_EQ(state(), std::nullopt);
  absl::Status again = client.ForgetSubscriber("cdc-2");
  EXPECT_TRUE(absl::IsNotFound(again)) << again;
  absl::Status empty = client.ForgetSubscriber("");
  EXPECT_TRUE(absl::IsInvalidArgument(empty)) << empty;
}

TEST_F(ServerReplicationSubscribeTest,
       FullCopyStreamsNewestVersionsThenChanges) {
  v1::SubscribeRequest start;
  start.set_full_copy(true);
  start.add_branches("main");
  Subscription subscription(*nodes_[0].client, start);
  ASSERT_TRUE(subscription.ReadThrough(0, /*until_copied=*/true));
  EXPECT_EQ(subscription.copy_complete_revision, last_revision());
  // The newest version of every address of main, tombstones included, and
  // nothing else.
  EXPECT_EQ(CopiedOf(subscription.copy, "main"), NewestOf("main"));
  EXPECT_EQ(CopiedOf(subscription.copy, "main").size(),
            subscription.copy.size());

  Put("", "t", {700}, "after the copy");
  ASSERT_TRUE(subscription.ReadThrough(last_revision()));
  EXPECT_EQ(Lines(subscription.changes), Expected(last_revision() - 1, All));
}

// Without a branch filter the copy holds main and every branch, each branch
// with its own versions only: what it reads of its parent comes with the
// parent's copy (and from the receiver's own parent, with the same fork).
TEST_F(ServerReplicationSubscribeTest, FullCopyOfABranchHoldsItsOwnVersions) {
  // A branch forked once main holds records, with one write of its own.
  absl::StatusOr<v1::Branch> late = nodes_[0].client->CreateBranch("c", "");
  ASSERT_TRUE(late.ok()) << late.status();
  KeepCreationRecord(*late);
  Put("c", "t", {900}, "c's own");
  v1::SubscribeRequest start;
  start.set_full_copy(true);
  Subscription subscription(*nodes_[0].client, start);
  ASSERT_TRUE(subscription.ReadThrough(0, /*until_copied=*/true));
  EXPECT_EQ(CopiedOf(subscription.copy, "b"), NewestOf("b"));
  EXPECT_EQ(CopiedOf(subscription.copy, "c"),
            std::vector<std::string>{Describe(commits_.back().ops[0])});
  EXPECT_FALSE(CopiedOf(subscription.copy, "main").empty());
  // Main, and its __catalog records, come first.
  ASSERT_FALSE(subscription.copy.empty());
  EXPECT_EQ(subscription.copy[0].branch(), "main");
  EXPECT_EQ(subscription.copy[0].space(), "__catalog");
}

TEST_F(ServerReplicationSubscribeTest,
       FirstMessageOtherThanStartIsInvalidArgument) {
  v1::SubscribeMessage ack;
  ack.mutable_ack()->set_applied_revision(1);
  Subscription subscription(*nodes_[0].client, ack);
  EXPECT_EQ(subscription.Finish().error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServerReplicationSubscribeTest, AfterRevisionBeyondCurrentIsOutOfRange) {
  Subscription subscription(*nodes_[0].client, After(last_revision() + 100));
  EXPECT_EQ(subscription.Finish().error_code(), grpc::StatusCode::OUT_OF_RANGE);
}

}  // namespace
}  // namespace infinitedb
