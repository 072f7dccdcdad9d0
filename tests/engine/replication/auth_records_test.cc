// Tests of the access-control records (engine/replication/auth_records.h):
// the codec refuses anything but its own layout; CheckAuthOp refuses an
// __auth op off main, at the wrong address or with a value that is not a
// record; through the engine, records are durable across a reopen,
// replicated ones are checked (a bad one refuses its whole change set and
// writes nothing) and last-writer-wins per key.
#include "engine/replication/auth_records.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <vector>

#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb::replication {
namespace {

ChangeOp AuthOp(std::string_view key, std::string_view payload, uint64_t hlc) {
  ChangeOp op;
  op.branch = kMainBranch;
  op.space = kAuthSpace;
  op.point = AuthRecordPoint(key);
  op.value = EncodeAuthRecord(key, payload);
  op.hlc = hlc;
  op.origin = 9;
  return op;
}

TEST(AuthRecordCodec, RoundTripsAndRefusesOtherBytes) {
  const std::string value = EncodeAuthRecord("user/alice", "payload");
  absl::StatusOr<AuthRecord> record = DecodeAuthRecord(value, "op");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->key, "user/alice");
  EXPECT_EQ(record->payload, "payload");

  for (const std::string& bad :
       {std::string(), value.substr(0, value.size() - 1), value + "x",
        "\x02" + value.substr(1), EncodeAuthRecord("", "payload"),
        EncodeAuthRecord(std::string(kMaxAuthKeyBytes + 1, 'k'), "")}) {
    absl::Status status = DecodeAuthRecord(bad, "op.value").status();
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
    EXPECT_NE(status.message().find("op.value"), absl::string_view::npos);
  }
}

TEST(AuthRecordCodec, AddressesDifferPerKeyAndAreStable) {
  EXPECT_EQ(AuthRecordPoint("user/alice"), AuthRecordPoint("user/alice"));
  EXPECT_NE(AuthRecordPoint("user/alice"), AuthRecordPoint("user/bob"));
  EXPECT_EQ(AuthRecordPoint("settings").size(), size_t{kAuthDims});
}

TEST(CheckAuthOp, AcceptsRecordsAndDeletesRefusesTheRest) {
  EXPECT_TRUE(CheckAuthOp(AuthOp("role/r", "p", 1), "ops[0]").ok());
  ChangeOp deleted = AuthOp("role/r", "", 1);
  deleted.deleted = true;
  deleted.value.clear();
  EXPECT_TRUE(CheckAuthOp(deleted, "ops[0]").ok());

  ChangeOp on_branch = AuthOp("role/r", "p", 1);
  on_branch.branch = "option-b";
  ChangeOp short_point = AuthOp("role/r", "p", 1);
  short_point.point.pop_back();
  ChangeOp other_class = AuthOp("role/r", "p", 1);
  other_class.point[0] = 1;
  ChangeOp other_address = AuthOp("role/r", "p", 1);
  other_address.point = AuthRecordPoint("role/s");
  ChangeOp not_a_record = AuthOp("role/r", "p", 1);
  not_a_record.value = "garbage";
  for (const ChangeOp& op :
       {on_branch, short_point, other_class, other_address, not_a_record}) {
    absl::Status status = CheckAuthOp(op, "ops[3]");
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
    EXPECT_NE(status.message().find("ops[3]"), absl::string_view::npos)
        << status;
  }
}

class AuthRecordsEngineTest : public ::testing::Test {
 protected:
  void Open() {
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_.path();
    options.durability = Durability::kAsync;
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  std::map<std::string, std::string> Records() {
    absl::StatusOr<std::map<std::string, std::string>> records =
        engine_->AuthRecords();
    EXPECT_TRUE(records.ok()) << records.status();
    return records.ok() ? *records : std::map<std::string, std::string>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(AuthRecordsEngineTest, DurableAcrossReopen) {
  Open();
  ASSERT_TRUE(engine_->PutAuthRecord("user/alice", "a1").ok());
  ASSERT_TRUE(engine_->PutAuthRecord("user/bob", "b1").ok());
  ASSERT_TRUE(engine_->PutAuthRecord("user/alice", "a2").ok());
  ASSERT_TRUE(engine_->DeleteAuthRecord("user/bob").ok());
  Open();
  EXPECT_EQ(Records(),
            (std::map<std::string, std::string>{{"user/alice", "a2"}}));
  EXPECT_TRUE(
      absl::IsInvalidArgument(engine_->PutAuthRecord("", "x").status()));
}

TEST_F(AuthRecordsEngineTest, ReplicatedRecordsAreCheckedAndLastWriterWins) {
  Open();
  absl::StatusOr<CommitStamp> local = engine_->PutAuthRecord("role/r", "mine");
  ASSERT_TRUE(local.ok()) << local.status();

  // One bad op refuses its whole change set.
  ChangeOp bad = AuthOp("role/s", "theirs", local->hlc + 10);
  bad.point = AuthRecordPoint("role/t");
  const std::vector<ChangeOp> with_bad = {
      AuthOp("user/carol", "c", local->hlc + 10), bad};
  absl::Status refused = engine_->ApplyReplicated(9, 1, with_bad).status();
  EXPECT_TRUE(absl::IsInvalidArgument(refused)) << refused;
  EXPECT_EQ(Records(),
            (std::map<std::string, std::string>{{"role/r", "mine"}}));

  // An older stamp loses; a newer one wins.
  const std::vector<ChangeOp> old_op = {
      AuthOp("role/r", "old", local->hlc - 1)};
  absl::StatusOr<ReplicationApplyResult> older =
      engine_->ApplyReplicated(9, 1, old_op);
  ASSERT_TRUE(older.ok()) << older.status();
  EXPECT_EQ(older->stale, 1u);
  const std::vector<ChangeOp> new_ops = {
      AuthOp("role/r", "new", local->hlc + 1),
      AuthOp("user/carol", "c", local->hlc + 1)};
  absl::StatusOr<ReplicationApplyResult> newer =
      engine_->ApplyReplicated(9, 2, new_ops);
  ASSERT_TRUE(newer.ok()) << newer.status();
  EXPECT_EQ(newer->applied, 2u);
  EXPECT_EQ(Records(), (std::map<std::string, std::string>{
                           {"role/r", "new"}, {"user/carol", "c"}}));
}

}  // namespace
}  // namespace infinitedb::replication
