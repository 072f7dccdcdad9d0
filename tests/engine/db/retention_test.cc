// History retention (EngineOptions::history_retention_revisions): which
// versions compaction keeps below the horizon (every version above it, the
// newest version at or below it per branch and address, and the parent
// versions that child branches read at their fork), that every read at or
// above the horizon is unchanged by compaction and by reopening, that reads
// below it are OutOfRange, and that segment files follow compaction and
// DropSpace.
#include "tests/engine/db/retention_fixture.h"

namespace infinitedb {
namespace {

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
  // Two spaces flushed five times, and __catalog (the branch's creation
  // record) once.
  EXPECT_EQ(before_stats.segments, 11u);
  EXPECT_EQ(before_stats.segment_records, current);  // one address per commit
  Observation before = Observe(*engine_, 1, current, addresses);

  ASSERT_EQ(engine_->Compact(""), absl::OkStatus());
  EngineStats stats = engine_->Stats();
  EXPECT_EQ(stats.segments, 3u);  // one per space, __catalog's too
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
  Revision deleted_revision = Delete("main", "s", deleted);
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
  // many: its newest version; deleted: its tombstone (the newest version
  // stays for last-writer-wins replication); once: its only version;
  // revived: only the put above the horizon (the tombstone below it hid
  // nothing older); recent: the newest at the horizon and the 4 above it.
  EXPECT_EQ(stats.segment_records, 1u + 1u + 1u + 1u + 5u);
  EXPECT_EQ(HistoryRevisions("main", "s", many),
            std::vector<Revision>{many_revisions.back()});
  EXPECT_EQ(HistoryRevisions("main", "s", deleted),
            std::vector<Revision>{deleted_revision});
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

// Every address of "s" is deleted below the horizon: compaction keeps only
// their tombstones (the newest versions), one segment of 5 records.
TEST_F(RetentionTest, CompactionOfDeletedAddressesKeepsOnlyTombstones) {
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
  EXPECT_EQ(engine_->Stats().segments, 2u);
  EXPECT_EQ(engine_->Stats().segment_records, 5u + 2u);
  EXPECT_EQ(SegmentFileCount(dir_.path()), 2);
  auto scan = ScanAll(*engine_, {}, "s");
  ASSERT_TRUE(scan.ok()) << scan.status();
  EXPECT_TRUE(scan->empty());
  Reopen();
  EXPECT_EQ(engine_->Stats().segments, 2u);
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
  // Ten puts and the branch's creation record.
  ASSERT_EQ(engine_->CurrentRevision(), 11u);
  const Revision horizon = 11 - 4;
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
  // and c2, the 4 fillers; child: d1 and its tombstone of c; and the two
  // creation records in __catalog.
  EXPECT_EQ(engine_->Stats().segment_records, 2u + 2u + 2u + 4u + 2u + 2u);
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
}  // namespace
}  // namespace infinitedb
