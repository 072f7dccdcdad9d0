// History retention (EngineOptions::history_retention_revisions): which
// versions compaction keeps below the horizon (every version above it, the
// newest version at or below it per branch and address, and the parent
// versions that child branches read at their fork), that every read at or
// above the horizon is unchanged by compaction and by reopening, that reads
// below it are OutOfRange, and that segment files follow compaction and
// DropSpace.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/db/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

// Disables size-tiered background compaction, so that only Compact() merges
// and the horizon moves only when a test asks.
constexpr size_t kNoBackgroundCompaction = 1'000'000;

// Space name -> the points whose Get and History a test checks.
using Addresses = std::map<std::string, std::vector<Point>>;

std::string Describe(const Record& r) {
  return absl::StrCat(
      "(", absl::StrJoin(r.point, ","), ")@", r.stamp.revision,
      " hlc=", r.stamp.hlc, " origin=", r.stamp.origin,
      r.deleted ? " tombstone" : absl::StrCat(" '", r.value, "'"));
}

std::string Describe(const std::vector<Record>& records) {
  std::vector<std::string> parts;
  for (const Record& r : records) parts.push_back(Describe(r));
  return absl::StrCat("[", absl::StrJoin(parts, "; "), "]");
}

std::string Describe(const absl::StatusOr<std::vector<Record>>& records) {
  return records.ok() ? Describe(*records) : records.status().ToString();
}

std::string Describe(const absl::StatusOr<std::optional<Record>>& record) {
  if (!record.ok()) return record.status().ToString();
  return record->has_value() ? Describe(**record) : "absent";
}

// One History read and what it returned.
struct HistoryRead {
  std::string branch;
  std::string space;
  Point point;
  absl::StatusOr<std::vector<Record>> records;
};

// Every read of a test at every revision of a range, on every branch: Scan of
// each space, Get and History of each address, keyed "Get main@17 plane
// (1,2)".
struct Observation {
  std::map<std::string, std::string> reads;  // Scan and Get
  std::map<std::string, HistoryRead> histories;
};

Observation Observe(Engine& engine, Revision first, Revision last,
                    const Addresses& addresses) {
  Observation observed;
  for (const BranchInfo& branch : engine.ListBranches()) {
    for (Revision as_of = first; as_of <= last; ++as_of) {
      ReadOptions options{branch.name, as_of};
      std::string at = absl::StrCat(branch.name, "@", as_of, " ");
      for (const auto& [space, points] : addresses) {
        observed.reads[absl::StrCat("Scan ", at, space)] =
            Describe(ScanAll(engine, options, space));
        for (const Point& point : points) {
          std::string where =
              absl::StrCat(at, space, " (", absl::StrJoin(point, ","), ")");
          observed.reads["Get " + where] =
              Describe(engine.Get(options, space, point));
          observed.histories["History " + where] = {
              branch.name, space, point, engine.History(options, space, point)};
        }
      }
    }
  }
  return observed;
}

std::map<std::string, std::string> Describe(
    const std::map<std::string, HistoryRead>& histories) {
  std::map<std::string, std::string> described;
  for (const auto& [key, read] : histories) {
    described[key] = Describe(read.records);
  }
  return described;
}

// Compares two sets of successful reads key by key, reporting the first few
// mismatches.
void ExpectSameReads(const std::map<std::string, std::string>& want,
                     const std::map<std::string, std::string>& got) {
  ASSERT_EQ(want.size(), got.size());
  int mismatches = 0;
  for (const auto& [key, result] : want) {
    // A described record, list of records or "absent", never a status.
    ASSERT_TRUE(result.starts_with("(") || result.starts_with("[") ||
                result == "absent")
        << key << ": " << result;
    auto it = got.find(key);
    ASSERT_NE(it, got.end()) << key;
    if (it->second == result) continue;
    if (++mismatches <= 10) {
      ADD_FAILURE() << key << "\n  want: " << result
                    << "\n  got:  " << it->second;
    }
  }
  EXPECT_EQ(mismatches, 0) << "reads that changed";
}

// The writes of a test, and the retention rule as specified, to say which
// versions a compaction that covers every segment keeps.
class WriteLog {
 public:
  WriteLog() { branches_[kMainBranch] = {kMainBranch, "", 0}; }

  void AddBranch(const BranchInfo& branch) { branches_[branch.name] = branch; }

  void Add(const std::string& branch, const Mutation& mutation,
           Revision revision) {
    // A later mutation of the same address in one batch replaces the earlier.
    versions_[{branch, mutation.space, mutation.point}][revision] =
        mutation.kind == Mutation::Kind::kDelete;
    branch_of_[revision] = branch;
  }

  bool Kept(const std::string& space, const Point& point, Revision revision,
            Revision horizon) const {
    const std::string& branch = branch_of_.at(revision);
    return KeptRevisions(branch, versions_.at({branch, space, point}), horizon)
        .contains(revision);
  }

  uint64_t KeptCount(const std::string& space, Revision horizon) const {
    uint64_t count = 0;
    for (const auto& [address, versions] : versions_) {
      const auto& [branch, address_space, point] = address;
      if (address_space != space) continue;
      count += KeptRevisions(branch, versions, horizon).size();
    }
    return count;
  }

 private:
  // Above the horizon everything; below it the newest version at or below
  // the horizon and at or below each child's fork; then, on main, the oldest
  // kept tombstones below the horizon go (they hide nothing).
  std::set<Revision> KeptRevisions(const std::string& branch,
                                   const std::map<Revision, bool>& versions,
                                   Revision horizon) const {
    std::set<Revision> kept;
    std::vector<Revision> read_points = {horizon};
    for (const auto& [name, info] : branches_) {
      if (info.parent == branch && info.fork_revision < horizon) {
        read_points.push_back(info.fork_revision);
      }
    }
    for (const auto& [revision, deleted] : versions) {
      if (horizon == 0 || revision > horizon) kept.insert(revision);
    }
    if (horizon == 0) return kept;
    for (Revision read_point : read_points) {
      auto newer = versions.upper_bound(read_point);
      if (newer != versions.begin()) kept.insert(std::prev(newer)->first);
    }
    if (branch == kMainBranch) {
      while (!kept.empty() && *kept.begin() <= horizon &&
             versions.at(*kept.begin())) {
        kept.erase(kept.begin());
      }
    }
    return kept;
  }

  std::map<std::string, BranchInfo> branches_;
  std::map<Revision, std::string> branch_of_;
  // (branch, space, point) -> revision -> is a tombstone.
  std::map<std::tuple<std::string, std::string, Point>,
           std::map<Revision, bool>>
      versions_;
};

int SegmentFileCount(const std::string& data_dir) {
  int count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(data_dir + "/segments")) {
    if (entry.path().extension() == ".seg") ++count;
  }
  return count;
}

class RetentionTest : public ::testing::Test {
 protected:
  void Open(uint64_t retention_revisions,
            size_t compaction_trigger_segments = kNoBackgroundCompaction) {
    options_.data_dir = dir_.path();
    options_.durability = Durability::kAsync;
    options_.history_retention_revisions = retention_revisions;
    options_.compaction_trigger_segments = compaction_trigger_segments;
    Reopen();
  }

  void Reopen() {
    engine_.reset();
    auto engine = Engine::Open(options_);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  Revision Put(const std::string& branch, const std::string& space,
               const Point& point, const std::string& value) {
    auto stamp = engine_->Put(branch, space, point, value);
    EXPECT_TRUE(stamp.ok()) << stamp.status();
    return stamp.ok() ? stamp->revision : 0;
  }

  Revision Delete(const std::string& branch, const std::string& space,
                  const Point& point) {
    auto stamp = engine_->Delete(branch, space, point);
    EXPECT_TRUE(stamp.ok()) << stamp.status();
    return stamp.ok() ? stamp->revision : 0;
  }

  // The value of `point` on `branch` at `as_of` ("absent" if none).
  std::string ValueAt(const std::string& branch, const std::string& space,
                      const Point& point, Revision as_of = 0) {
    auto record = engine_->Get({branch, as_of}, space, point);
    if (!record.ok()) return record.status().ToString();
    return record->has_value() ? (*record)->value : "absent";
  }

  // The revisions History returns, newest first.
  std::vector<Revision> HistoryRevisions(const std::string& branch,
                                         const std::string& space,
                                         const Point& point) {
    std::vector<Revision> revisions;
    auto history = engine_->History({branch, 0}, space, point);
    EXPECT_TRUE(history.ok()) << history.status();
    if (!history.ok()) return revisions;
    for (const Record& r : *history) revisions.push_back(r.stamp.revision);
    return revisions;
  }

  testing::TempDir dir_;
  EngineOptions options_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(RetentionTest, DefaultRetentionKeepsAllHistory) {
  Open(/*retention_revisions=*/0);
  ASSERT_TRUE(engine_->CreateSpace("plane", 2).ok());
  ASSERT_TRUE(engine_->CreateSpace("line", 1).ok());
  Addresses addresses = {{"plane", {}}, {"line", {}}};
  for (uint32_t i = 0; i < 6; ++i) {
    addresses["plane"].push_back({i, 2 * i});
    addresses["line"].push_back({i});
  }
  for (int round = 0; round < 5; ++round) {
    if (round == 2) {
      ASSERT_TRUE(engine_->CreateBranch("side", "main").ok());
    }
    for (uint32_t i = 0; i < 12; ++i) {
      std::string branch = round >= 2 && i % 3 == 0 ? "side" : "main";
      const Point& point = addresses["plane"][(i * 5 + round) % 6];
      if ((i + round) % 4 == 0) {
        Delete(branch, "plane", point);
      } else {
        Put(branch, "plane", point, absl::StrCat("p", round, ".", i));
      }
      Put(branch, "line", addresses["line"][(i + round) % 6], "l");
    }
    ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  }
  Revision current = engine_->CurrentRevision();
  EngineStats before_stats = engine_->Stats();
  EXPECT_EQ(before_stats.segments, 10u);
  EXPECT_EQ(before_stats.segment_records, current);  // one address per commit
  Observation before = Observe(*engine_, 1, current, addresses);

  ASSERT_EQ(engine_->Compact(""), absl::OkStatus());
  EngineStats stats = engine_->Stats();
  EXPECT_EQ(stats.segments, 2u);  // one per space
  EXPECT_EQ(stats.segment_records, before_stats.segment_records);
  EXPECT_EQ(stats.history_horizon, 0u);
  Observation after = Observe(*engine_, 1, current, addresses);
  ExpectSameReads(before.reads, after.reads);
  ExpectSameReads(Describe(before.histories), Describe(after.histories));

  // A single segment with nothing to drop is not rewritten.
  ASSERT_EQ(engine_->Compact(""), absl::OkStatus());
  EXPECT_EQ(engine_->Stats().compactions, stats.compactions);
}

TEST_F(RetentionTest, RetentionLongerThanHistoryDropsNothing) {
  Open(/*retention_revisions=*/1000);
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  for (uint32_t i = 0; i < 40; ++i) {
    if (i % 10 == 9)
      Delete("main", "s", {i % 3});
    else
      Put("main", "s", {i % 3}, absl::StrCat("v", i));
    if (i % 20 == 19) {
      ASSERT_EQ(engine_->Flush(), absl::OkStatus());
    }
  }
  ASSERT_EQ(engine_->Compact(""), absl::OkStatus());
  EngineStats stats = engine_->Stats();
  EXPECT_EQ(stats.history_horizon, 0u);
  EXPECT_EQ(stats.segments, 1u);
  EXPECT_EQ(stats.segment_records, 40u);
  EXPECT_EQ(ValueAt("main", "s", {0}, 1), "v0");
  EXPECT_EQ(HistoryRevisions("main", "s", {0}).size(), 14u);
}

TEST_F(RetentionTest, OldVersionsAndTombstonesAreDropped) {
  Open(/*retention_revisions=*/5);
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  const Point many = {1, 1}, deleted = {2, 2}, once = {3, 3}, revived = {4, 4},
              recent = {5, 5};
  std::vector<Revision> many_revisions;
  for (int i = 0; i < 10; ++i) {
    many_revisions.push_back(Put("main", "s", many, absl::StrCat("m", i)));
  }
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  Put("main", "s", deleted, "d");
  Delete("main", "s", deleted);
  Revision once_revision = Put("main", "s", once, "o");
  Put("main", "s", revived, "r0");
  Delete("main", "s", revived);
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  std::vector<Revision> recent_revisions;
  for (int i = 0; i < 8; ++i) {
    recent_revisions.push_back(Put("main", "s", recent, absl::StrCat("n", i)));
  }
  Revision revived_revision = Put("main", "s", revived, "r1");
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  const Revision current = engine_->CurrentRevision();
  ASSERT_EQ(current, 24u);
  const Revision horizon = current - 5;
  ASSERT_EQ(horizon, recent_revisions[3]);
  EXPECT_EQ(engine_->Stats().segment_records, 24u);

  ASSERT_EQ(engine_->Compact("s"), absl::OkStatus());
  EngineStats stats = engine_->Stats();
  EXPECT_EQ(stats.history_horizon, horizon);
  EXPECT_EQ(stats.segments, 1u);
  // many: its newest version; deleted: nothing; once: its only version;
  // revived: only the put above the horizon (the tombstone below it hid
  // nothing older); recent: the newest at the horizon and the 4 above it.
  EXPECT_EQ(stats.segment_records, 1u + 0u + 1u + 1u + 5u);
  EXPECT_EQ(HistoryRevisions("main", "s", many),
            std::vector<Revision>{many_revisions.back()});
  EXPECT_EQ(HistoryRevisions("main", "s", deleted), std::vector<Revision>{});
  EXPECT_EQ(HistoryRevisions("main", "s", once),
            std::vector<Revision>{once_revision});
  EXPECT_EQ(HistoryRevisions("main", "s", revived),
            std::vector<Revision>{revived_revision});
  EXPECT_EQ(HistoryRevisions("main", "s", recent),
            (std::vector<Revision>{recent_revisions[7], recent_revisions[6],
                                   recent_revisions[5], recent_revisions[4],
                                   recent_revisions[3]}));
  EXPECT_EQ(ValueAt("main", "s", many, horizon), "m9");
  EXPECT_EQ(ValueAt("main", "s", deleted, horizon), "absent");
  EXPECT_EQ(ValueAt("main", "s", revived, horizon), "absent");
  EXPECT_EQ(ValueAt("main", "s", revived), "r1");
  EXPECT_EQ(ValueAt("main", "s", recent, horizon), "n3");
  EXPECT_EQ(ValueAt("main", "s", recent, horizon + 1), "n4");
}

TEST_F(RetentionTest, CompactionThatKeepsNothingLeavesNoSegment) {
  Open(/*retention_revisions=*/1);
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  ASSERT_TRUE(engine_->CreateSpace("other", 1).ok());
  for (uint32_t i = 0; i < 5; ++i) Put("main", "s", {i}, "v");
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  for (uint32_t i = 0; i < 5; ++i) Delete("main", "s", {i});
  Put("main", "other", {0}, "a");
  Put("main", "other", {0}, "b");
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  EXPECT_EQ(SegmentFileCount(dir_.path()), 3);

  ASSERT_EQ(engine_->Compact("s"), absl::OkStatus());
  EXPECT_EQ(engine_->Stats().segments, 1u);  // only "other"'s
  EXPECT_EQ(engine_->Stats().segment_records, 2u);
  EXPECT_EQ(SegmentFileCount(dir_.path()), 1);
  auto scan = ScanAll(*engine_, {}, "s");
  ASSERT_TRUE(scan.ok()) << scan.status();
  EXPECT_TRUE(scan->empty());
  Reopen();
  EXPECT_EQ(engine_->Stats().segments, 1u);
  EXPECT_EQ(ValueAt("main", "other", {0}), "b");
}

TEST_F(RetentionTest, ReadsBelowTheHorizonAreOutOfRange) {
  Open(/*retention_revisions=*/4);
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  for (uint32_t i = 0; i < 10; ++i) Put("main", "s", {i % 3, 0}, "v");
  ASSERT_TRUE(engine_->CreateBranch("b", "main").ok());
  // A paged query pinned to revision 2, resumed after compaction.
  QueryRequest paged;
  paged.space = "s";
  paged.as_of = 2;
  paged.limit = 1;
  auto first_page = engine_->Count(paged);
  ASSERT_TRUE(first_page.ok()) << first_page.status();
  ASSERT_FALSE(first_page->next_cursor.empty());
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  ASSERT_EQ(engine_->Compact(""), absl::OkStatus());
  const Revision horizon = 10 - 4;
  ASSERT_EQ(engine_->Stats().history_horizon, horizon);

  for (const std::string branch : {"main", "b"}) {
    for (Revision as_of : {Revision{1}, horizon - 1}) {
      SCOPED_TRACE(absl::StrCat(branch, "@", as_of));
      ReadOptions options{branch, as_of};
      auto get = engine_->Get(options, "s", {0, 0});
      EXPECT_TRUE(absl::IsOutOfRange(get.status())) << get.status();
      EXPECT_NE(get.status().message().find("as_of"), std::string::npos);
      EXPECT_NE(get.status().message().find(absl::StrCat(as_of)),
                std::string::npos)
          << get.status();
      EXPECT_NE(get.status().message().find(absl::StrCat(horizon)),
                std::string::npos)
          << get.status();
      auto history = engine_->History(options, "s", {0, 0});
      EXPECT_TRUE(absl::IsOutOfRange(history.status())) << history.status();
      QueryRequest request;
      request.branch = branch;
      request.as_of = as_of;
      request.space = "s";
      auto count = engine_->Count(request);
      EXPECT_TRUE(absl::IsOutOfRange(count.status())) << count.status();
      auto scan = ScanAll(*engine_, options, "s");
      EXPECT_TRUE(absl::IsOutOfRange(scan.status())) << scan.status();
    }
    EXPECT_EQ(ValueAt(branch, "s", {0, 0}, horizon), "v");
    EXPECT_EQ(ValueAt(branch, "s", {0, 0}, 0), "v");
  }
  paged.cursor = first_page->next_cursor;
  paged.as_of = 0;
  EXPECT_TRUE(absl::IsOutOfRange(engine_->Count(paged).status()));

  // The horizon survives a reopen.
  Reopen();
  EXPECT_EQ(engine_->Stats().history_horizon, horizon);
  auto get = engine_->Get({"main", horizon - 1}, "s", {0, 0});
  EXPECT_TRUE(absl::IsOutOfRange(get.status())) << get.status();
  EXPECT_EQ(ValueAt("main", "s", {0, 0}, horizon), "v");
}

TEST_F(RetentionTest, ChildBranchStillReadsItsParentAtTheFork) {
  Open(/*retention_revisions=*/3);
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  const Point a = {1, 0}, b = {2, 0}, c = {3, 0}, d = {4, 0}, filler = {9, 9};
  Put("main", "s", a, "a1");
  Revision a2 = Put("main", "s", a, "a2");
  Revision b1 = Put("main", "s", b, "b1");
  Revision c1 = Put("main", "s", c, "c1");
  ASSERT_TRUE(engine_->CreateBranch("child", "main").ok());
  Revision d1 = Put("child", "s", d, "d1");
  Revision c_deleted = Delete("child", "s", c);  // hides main's c on child
  ASSERT_TRUE(engine_->CreateBranch("grandchild", "child").ok());
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  Revision a_newest = 0;
  for (int i = 3; i <= 12; ++i)
    a_newest = Put("main", "s", a, absl::StrCat("a", i));
  Revision b_deleted = Delete("main", "s", b);
  Revision c2 = Put("main", "s", c, "c2");
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  for (int i = 0; i < 4; ++i) Put("main", "s", filler, "f");
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  const Revision current = engine_->CurrentRevision();
  const Revision horizon = current - 3;
  ASSERT_GT(horizon, c2);
  Addresses addresses = {{"s", {a, b, c, d, filler}}};
  Observation before = Observe(*engine_, horizon, current, addresses);

  ASSERT_EQ(engine_->Compact(""), absl::OkStatus());
  ASSERT_EQ(engine_->Stats().history_horizon, horizon);
  // main: a12 and a2 (child's fork), b1 (fork) and its tombstone, c1 (fork)
  // and c2, the 4 fillers; child: d1 and its tombstone of c.
  EXPECT_EQ(engine_->Stats().segment_records, 2u + 2u + 2u + 4u + 2u);
  for (int pass = 0; pass < 2; ++pass) {
    SCOPED_TRACE(pass == 0 ? "after compaction" : "after reopen");
    for (const std::string branch : {"child", "grandchild"}) {
      EXPECT_EQ(ValueAt(branch, "s", a), "a2");
      EXPECT_EQ(ValueAt(branch, "s", b), "b1");
      EXPECT_EQ(ValueAt(branch, "s", c), "absent");
      EXPECT_EQ(ValueAt(branch, "s", d), "d1");
      EXPECT_EQ(HistoryRevisions(branch, "s", a), std::vector<Revision>{a2});
      EXPECT_EQ(HistoryRevisions(branch, "s", c),
                (std::vector<Revision>{c_deleted, c1}));
    }
    EXPECT_EQ(ValueAt("main", "s", a), "a12");
    EXPECT_EQ(ValueAt("main", "s", b), "absent");
    EXPECT_EQ(ValueAt("main", "s", c), "c2");
    EXPECT_EQ(HistoryRevisions("main", "s", a),
              (std::vector<Revision>{a_newest, a2}));
    EXPECT_EQ(HistoryRevisions("main", "s", b),
              (std::vector<Revision>{b_deleted, b1}));
    EXPECT_EQ(HistoryRevisions("child", "s", d), std::vector<Revision>{d1});
    ExpectSameReads(before.reads,
                    Observe(*engine_, horizon, current, addresses).reads);
    Reopen();
  }
}

TEST_F(RetentionTest, DropSpaceAfterCompactionRemovesItsSegmentFiles) {
  Open(/*retention_revisions=*/2);
  ASSERT_TRUE(engine_->CreateSpace("gone", 2).ok());
  ASSERT_TRUE(engine_->CreateSpace("kept", 2).ok());
  for (int round = 0; round < 3; ++round) {
    for (uint32_t i = 0; i < 8; ++i) {
      Put("main", "gone", {i, 0}, absl::StrCat("g", round));
      Put("main", "kept", {i, 1}, absl::StrCat("k", round));
    }
    ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  }
  EXPECT_EQ(SegmentFileCount(dir_.path()), 6);
  ASSERT_EQ(engine_->Compact(""), absl::OkStatus());
  EXPECT_EQ(SegmentFileCount(dir_.path()), 2);
  auto kept_before = ScanAll(*engine_, {}, "kept");
  ASSERT_TRUE(kept_before.ok()) << kept_before.status();
  ASSERT_EQ(kept_before->size(), 8u);

  ASSERT_EQ(engine_->DropSpace("gone"), absl::OkStatus());
  EXPECT_EQ(SegmentFileCount(dir_.path()), 1);
  EXPECT_EQ(engine_->Stats().segments, 1u);
  // The 8 newest values, plus the one before {7, 1}'s newest, which is above
  // the horizon.
  EXPECT_EQ(engine_->Stats().segment_records, 9u);
  Reopen();
  EXPECT_EQ(SegmentFileCount(dir_.path()), 1);
  EXPECT_TRUE(absl::IsNotFound(engine_->GetSpace("gone").status()));
  EXPECT_TRUE(absl::IsNotFound(engine_->Compact("gone")));
  auto kept_after = ScanAll(*engine_, {}, "kept");
  ASSERT_TRUE(kept_after.ok()) << kept_after.status();
  EXPECT_EQ(Describe(*kept_after), Describe(*kept_before));
}

TEST_F(RetentionTest, BackgroundCompactionAppliesRetention) {
  Open(/*retention_revisions=*/10, /*compaction_trigger_segments=*/2);
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  Addresses addresses = {{"s", {{0}, {1}, {2}, {3}}}};
  // Both halves have the same shape, so their segments share a size tier.
  auto write = [&](uint32_t i) {
    if (i % 7 == 6)
      Delete("main", "s", {i % 4});
    else
      Put("main", "s", {i % 4}, absl::StrCat("v", 100 + i));
  };
  for (uint32_t i = 0; i < 30; ++i) write(i);
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  for (uint32_t i = 30; i < 60; ++i) write(i);
  const Revision current = engine_->CurrentRevision();
  const Revision horizon = current - 10;
  // Taken while one segment exists: nothing is compacted yet.
  Observation before = Observe(*engine_, horizon, current, addresses);
  ASSERT_EQ(engine_->Stats().compactions, 0u);

  // A second segment of the same size starts a background compaction.
  ASSERT_EQ(engine_->Flush(), absl::OkStatus());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (engine_->Stats().compactions == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EngineStats stats = engine_->Stats();
  ASSERT_EQ(stats.compactions, 1u);
  EXPECT_EQ(stats.segments, 1u);
  EXPECT_EQ(stats.history_horizon, horizon);
  // The newest at or below the horizon of addresses 1, 2 and 3 (address 0's
  // is a tombstone hiding nothing), and the 10 above it.
  EXPECT_EQ(stats.segment_records, 3u + 10u);
  ExpectSameReads(before.reads,
                  Observe(*engine_, horizon, current, addresses).reads);
}

// Random puts, deletes and batches on main and on branches forked at
// various revisions (some below the later horizon, one from another
// branch), flushed now and then, compacted twice with a rising horizon.
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
    return kept;
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
