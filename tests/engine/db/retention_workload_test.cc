// Randomized retention workloads: compaction with a rising horizon keeps
// every read at or above it exact, checked against a model of the rule.
#include "tests/engine/db/retention_fixture.h"

namespace infinitedb {
namespace {

class RetentionWorkloadTest : public RetentionTest,
                              public ::testing::WithParamInterface<uint32_t> {
 protected:
  RetentionWorkloadTest() : random_(GetParam()) {
    for (uint32_t i = 0; i < 10; ++i) {
      addresses_["plane"].push_back({i * 7 % 13, i % 4});
      addresses_["cube"].push_back({i % 3, i * i, 5});
    }
  }

  uint32_t Uniform(uint32_t n) { return random_() % n; }

  void RandomCommit() {
    std::vector<BranchInfo> branches = engine_->ListBranches();
    std::string branch = branches[Uniform(branches.size())].name;
    std::vector<Mutation> mutations;
    int count = Uniform(10) < 7 ? 1 : 2 + Uniform(4);
    for (int i = 0; i < count; ++i) {
      std::string space = Uniform(2) == 0 ? "plane" : "cube";
      const Point& point = addresses_[space][Uniform(10)];
      if (Uniform(10) < 3) {
        mutations.push_back(Mutation::Delete(space, point));
      } else {
        mutations.push_back(
            Mutation::Put(space, point, absl::StrCat("v", values_++)));
      }
    }
    absl::StatusOr<CommitStamp> stamp =
        count > 1 ? engine_->Batch(branch, mutations)
        : mutations[0].kind == Mutation::Kind::kPut
            ? engine_->Put(branch, mutations[0].space, mutations[0].point,
                           mutations[0].value)
            : engine_->Delete(branch, mutations[0].space, mutations[0].point);
    ASSERT_TRUE(stamp.ok()) << stamp.status();
    for (const Mutation& m : mutations) log_.Add(branch, m, stamp->revision);
  }

  void NewBranch(const std::string& name) {
    std::vector<BranchInfo> branches = engine_->ListBranches();
    auto branch =
        engine_->CreateBranch(name, branches[Uniform(branches.size())].name);
    ASSERT_TRUE(branch.ok()) << branch.status();
    log_.AddBranch(*branch);
    ++branches_created_;
  }

  // `commits` random commits, creating the branches named in `forks` at the
  // given commit indexes and flushing every kFlushEveryCommits commits and at
  // the end.
  void Run(int commits, const std::map<int, std::string>& forks,
           bool flush_at_end = true) {
    for (int i = 0; i < commits; ++i) {
      if (auto fork = forks.find(i); fork != forks.end())
        NewBranch(fork->second);
      RandomCommit();
      if (i % kFlushEveryCommits == kFlushEveryCommits - 1) {
        ASSERT_EQ(engine_->Flush(), absl::OkStatus());
      }
    }
    if (flush_at_end) {
      ASSERT_EQ(engine_->Flush(), absl::OkStatus());
    }
  }

  Revision Horizon() {
    return engine_->CurrentRevision() - retention_revisions_;
  }

  // Records the retention rule keeps in all segments, once all is sealed.
  uint64_t KeptRecords(Revision horizon) const {
    uint64_t kept = 0;
    for (const auto& [space, points] : addresses_) {
      kept += log_.KeptCount(space, horizon);
    }
    // Each creation's record in __catalog, one address per branch name, is
    // the newest version of its address.
    return kept + branches_created_;
  }

  // Compacts everything, then checks against reads taken before: Get and
  // Scan unchanged at every revision from the horizon on, History exactly
  // the retained versions, segment records as the rule predicts; again after
  // a reopen.
  void CompactAndCheck() {
    const Revision current = engine_->CurrentRevision();
    const Revision horizon = Horizon();
    Observation before = Observe(*engine_, horizon, current, addresses_);
    std::map<std::string, std::string> retained_histories;
    for (const auto& [key, read] : before.histories) {
      ASSERT_TRUE(read.records.ok()) << key << ": " << read.records.status();
      std::vector<Record> retained;
      for (const Record& r : *read.records) {
        if (log_.Kept(read.space, read.point, r.stamp.revision, horizon)) {
          retained.push_back(r);
        }
      }
      retained_histories[key] = Describe(retained);
    }
    uint64_t kept_segments = 0;
    for (const auto& [space, points] : addresses_) {
      kept_segments += log_.KeptCount(space, horizon) > 0 ? 1 : 0;
    }
    kept_segments += branches_created_ > 0 ? 1 : 0;  // __catalog's

    ASSERT_EQ(engine_->Compact(""), absl::OkStatus());
    for (int pass = 0; pass < 2; ++pass) {
      SCOPED_TRACE(pass == 0 ? "after compaction" : "after reopen");
      EngineStats stats = engine_->Stats();
      EXPECT_EQ(stats.history_horizon, horizon);
      EXPECT_EQ(stats.segments, kept_segments);
      EXPECT_EQ(stats.segment_records, KeptRecords(horizon));
      Observation after = Observe(*engine_, horizon, current, addresses_);
      ExpectSameReads(before.reads, after.reads);
      ExpectSameReads(retained_histories, Describe(after.histories));
      for (const BranchInfo& branch : engine_->ListBranches()) {
        auto get = engine_->Get({branch.name, horizon - 1}, "plane",
                                addresses_["plane"][0]);
        EXPECT_TRUE(absl::IsOutOfRange(get.status())) << get.status();
      }
      Reopen();
    }
  }

  // Each flush costs fsyncs; few enough keep the test fast.
  static constexpr int kFlushEveryCommits = 40;

  uint64_t retention_revisions_ = 40;
  std::mt19937 random_;
  Addresses addresses_;
  WriteLog log_;
  int values_ = 0;
  uint64_t branches_created_ = 0;
};

TEST_P(RetentionWorkloadTest, CompactionKeepsEveryReadAtOrAboveTheHorizon) {
  Open(retention_revisions_);
  ASSERT_TRUE(engine_->CreateSpace("plane", 2).ok());
  ASSERT_TRUE(engine_->CreateSpace("cube", 3).ok());
  Run(160, {{15, "b1"}, {45, "b2"}, {90, "b3"}, {130, "b4"}});
  EXPECT_LT(KeptRecords(Horizon()), engine_->Stats().segment_records);
  CompactAndCheck();
  // More writes and a branch forked below the next horizon; compacting the
  // compacted segment again moves the horizon up.
  Run(60, {{10, "b5"}, {30, "b6"}});
  EXPECT_LT(KeptRecords(Horizon()), engine_->Stats().segment_records);
  CompactAndCheck();
}

TEST_P(RetentionWorkloadTest, CompactionLeavesUnsealedWritesReadable) {
  retention_revisions_ = 10;
  Open(retention_revisions_);
  ASSERT_TRUE(engine_->CreateSpace("plane", 2).ok());
  ASSERT_TRUE(engine_->CreateSpace("cube", 3).ok());
  Run(95, {{10, "b1"}, {40, "b2"}, {70, "b3"}}, /*flush_at_end=*/false);
  const Revision current = engine_->CurrentRevision();
  const Revision horizon = Horizon();
  // Revisions 81 to 95 are still in the memtable, some at or below the
  // horizon (85).
  ASSERT_LT(engine_->Stats().sealed_revision, horizon);
  Observation before = Observe(*engine_, horizon, current, addresses_);
  ASSERT_EQ(engine_->Compact(""), absl::OkStatus());
  EXPECT_EQ(engine_->Stats().history_horizon, horizon);
  ExpectSameReads(before.reads,
                  Observe(*engine_, horizon, current, addresses_).reads);
  // Once sealed and compacted again at the same horizon, exactly what the
  // rule keeps is left.
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  CompactAndCheck();
}

INSTANTIATE_TEST_SUITE_P(Seeds, RetentionWorkloadTest,
                         ::testing::Values(1u, 2u));

}  // namespace
}  // namespace infinitedb
