// A full disk and failing writes, through the injected file system: a
// refused commit changes nothing, now or after a restart; writes go on once
// space is free, without a restart; a Flush on a full disk leaves the
// database openable; and a database opens on a full disk.
#include "tests/engine/faults/fault_fixture.h"

namespace infinitedb::testing {
namespace {

Fault WalFull(int times = -1) {
  return {Op::kWrite, "/wal/", 0, times, ENOSPC, /*short_write=*/true};
}

using DiskFullTest = FaultTest;

TEST_F(DiskFullTest, RefusedWriteChangesNothingAndWritesResumeWhenSpaceIsFree) {
  Open();
  CreateSpace();
  PutAcked(0, 20);
  const Revision before = engine_->CurrentRevision();

  fs_.Inject(WalFull());
  absl::StatusOr<CommitStamp> refused = Put(1000);
  ASSERT_TRUE(absl::IsResourceExhausted(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("/wal/"), std::string::npos);
  EXPECT_EQ(engine_->CurrentRevision(), before);
  absl::StatusOr<std::optional<Record>> got =
      engine_->Get({}, "s", {1000, 7000});
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());

  // Space is freed: the next write succeeds, with the next revision, without
  // a restart.
  fs_.ClearFaults();
  absl::StatusOr<CommitStamp> next = Put(21);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->revision, before + 1);
  acked_[21] = ValueFor(21);
  ExpectExactlyAcked();

  ReopenClean();
  ExpectExactlyAcked();
}

TEST_F(DiskFullTest, RefusedBatchNeverBecomesDurable) {
  Open();
  CreateSpace();
  PutAcked(0, 5);
  fs_.Inject(WalFull(/*times=*/1));
  std::vector<Mutation> batch;
  for (uint32_t key = 500; key < 600; ++key) {
    batch.push_back(Mutation::Put("s", {key, key * 7}, ValueFor(key)));
  }
  ASSERT_FALSE(engine_->Batch(kMainBranch, batch).ok());
  // After a flush and a restart the refused batch is still nowhere.
  ASSERT_TRUE(engine_->Flush().ok());
  ExpectExactlyAcked();
  ReopenClean();
  ExpectExactlyAcked();
}

TEST_F(DiskFullTest, FlushOnAFullDiskLeavesTheDatabaseOpenable) {
  Open();
  CreateSpace();
  PutAcked(0, 10);
  fs_.Inject(WalFull());
  ASSERT_FALSE(Put(100).ok());
  // The flush may fail too (segments do not fit either); it must not leave
  // a torn frame behind in a WAL segment that is no longer the newest.
  fs_.Inject({Op::kWrite, "/segments/", 0, -1, ENOSPC, true});
  (void)engine_->Flush();
  ASSERT_FALSE(Put(101).ok());
  ReopenClean();
  ExpectExactlyAcked();
  PutAcked(200, 3);
  ReopenClean();
  ExpectExactlyAcked();
}

TEST_F(DiskFullTest, FailedFdatasyncRefusesTheCommitAndKeepsTheLogUsable) {
  Open();
  CreateSpace();
  PutAcked(0, 3);
  fs_.Inject({Op::kSync, "/wal/", 0, 1, EIO, false});
  absl::StatusOr<CommitStamp> refused = Put(50);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("nothing was written"),
            std::string::npos)
      << refused.status();
  PutAcked(3, 3);
  ReopenClean();
  ExpectExactlyAcked();
}

TEST_F(DiskFullTest, LogThatCannotBeCutBackRefusesWritesAndSaysReopen) {
  Open();
  CreateSpace();
  PutAcked(0, 3);
  fs_.Inject(WalFull(1));
  fs_.Inject({Op::kSync, "/wal/", 0, 1, EIO, false});  // the cut's fdatasync
  ASSERT_FALSE(Put(50).ok());
  absl::StatusOr<CommitStamp> later = Put(51);
  ASSERT_FALSE(later.ok());
  EXPECT_NE(later.status().message().find("reopened"), std::string::npos)
      << later.status();
  ReopenClean();
  ExpectExactlyAcked();
}

TEST_F(DiskFullTest, FailedSyncOfAsyncCommitsStopsWritesUntilReopened) {
  durability_ = Durability::kAsync;
  Open();
  CreateSpace();
  PutAcked(0, 5);  // acknowledged, not yet synced
  // The flush rolls the WAL segment, syncing it first: that sync fails.
  fs_.Inject({Op::kSync, "/wal/", 0, 1, EIO, false});
  EXPECT_FALSE(engine_->Flush().ok());
  absl::StatusOr<CommitStamp> later = Put(100);
  ASSERT_FALSE(later.ok());
  EXPECT_NE(later.status().message().find("reopened"), std::string::npos)
      << later.status();
}

TEST_F(DiskFullTest, DatabaseOpensAndReadsOnAFullDisk) {
  Open();
  CreateSpace();
  PutAcked(0, 50);
  ASSERT_TRUE(engine_->Flush().ok());
  PutAcked(50, 10);  // some only in the WAL
  engine_.reset();

  // Nothing can be written or created any more.
  for (Op op : {Op::kWrite, Op::kCreate}) {
    fs_.Inject({op, "", 0, -1, ENOSPC, false});
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(Options(&fs_));
  ASSERT_TRUE(engine.ok()) << engine.status();
  engine_ = std::move(*engine);
  ExpectExactlyAcked();
  EXPECT_TRUE(absl::IsResourceExhausted(Put(999).status()));
  EXPECT_FALSE(DefaultFileSystem()->Exists(dir_->path() + "/MANIFEST.tmp"));
  ReopenClean();
  ExpectExactlyAcked();
}

TEST_F(DiskFullTest, FailedSealIsRetriedAndKeepsTheWal) {
  Open();
  CreateSpace();
  PutAcked(0, 30);
  fs_.Inject({Op::kWrite, "/segments/", 0, 2, ENOSPC, false});
  absl::Status flushed = engine_->Flush();
  EXPECT_TRUE(absl::IsResourceExhausted(flushed)) << flushed;
  EXPECT_EQ(engine_->Stats().segments, 0u);
  ExpectExactlyAcked();
  // The WAL still holds everything: a restart now loses nothing.
  ReopenClean();
  ExpectExactlyAcked();
  ASSERT_TRUE(engine_->Flush().ok());
  EXPECT_GE(engine_->Stats().segments, 1u);
  ReopenClean();
  ExpectExactlyAcked();
  // No file of the failed attempts is left behind.
  auto names = DefaultFileSystem()->ListDirectory(dir_->path() + "/segments");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->size(), engine_->Stats().segments);
}

TEST_F(DiskFullTest, EioOnASegmentBlockReadIsDataLossNamingTheBlock) {
  Open();
  CreateSpace();
  PutAcked(0, 200);
  ASSERT_TRUE(engine_->Flush().ok());
  ASSERT_TRUE(engine_->CreateSpace("other", 1).ok());
  ASSERT_TRUE(engine_->Put(kMainBranch, "other", {1}, "v").ok());
  ReopenClean();  // a cold cache
  Open();
  fs_.Inject({Op::kRead, "/segments/", 0, 1, EIO, false});
  absl::Status status =
      engine_->Scan({}, "s", [](const RecordView&) { return true; });
  ASSERT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_NE(status.message().find("block"), std::string::npos) << status;
  EXPECT_NE(status.message().find(".seg"), std::string::npos) << status;
  // Other reads keep working, and so does the same one once the disk does.
  absl::StatusOr<std::optional<Record>> other = engine_->Get({}, "other", {1});
  ASSERT_TRUE(other.ok() && other->has_value());
  ExpectExactlyAcked();
}

TEST_F(DiskFullTest, RefusedCatalogueEditChangesNothing) {
  Open();
  CreateSpace();
  fs_.Inject({Op::kWrite, "MANIFEST", 0, 1, ENOSPC, true});
  absl::StatusOr<SpaceInfo> refused = engine_->CreateSpace("t", 3);
  ASSERT_TRUE(absl::IsResourceExhausted(refused.status())) << refused.status();
  EXPECT_TRUE(absl::IsNotFound(engine_->GetSpace("t").status()));
  fs_.Inject({Op::kSync, "MANIFEST", 0, 1, EIO, false});
  EXPECT_FALSE(engine_->CreateBranch("b", kMainBranch).ok());
  EXPECT_EQ(engine_->ListBranches().size(), 1u);
  ReopenClean();
  EXPECT_TRUE(absl::IsNotFound(engine_->GetSpace("t").status()));
  EXPECT_EQ(engine_->ListBranches().size(), 1u);
  EXPECT_TRUE(engine_->CreateSpace("t", 3).ok());
  ReopenClean();
  EXPECT_TRUE(engine_->GetSpace("t").ok());
}

TEST_F(DiskFullTest, ManifestThatCannotBeCutBackRefusesEditsUntilReopened) {
  Open();
  CreateSpace();
  // The edit's fdatasync fails, and so does the fdatasync of cutting it off.
  fs_.Inject({Op::kSync, "MANIFEST", 0, 2, EIO, false});
  EXPECT_FALSE(engine_->CreateSpace("t", 3).ok());
  absl::StatusOr<SpaceInfo> later = engine_->CreateSpace("u", 3);
  ASSERT_FALSE(later.ok());
  EXPECT_NE(later.status().message().find("reopened"), std::string::npos)
      << later.status();
  PutAcked(0, 3);  // records are not catalogue edits
  ReopenClean();
  EXPECT_TRUE(absl::IsNotFound(engine_->GetSpace("t").status()));
  EXPECT_TRUE(engine_->CreateSpace("u", 3).ok());
  ExpectExactlyAcked();
}

// The number of files in the segment directory.
size_t SegmentFiles(const std::string& data_dir) {
  auto names = DefaultFileSystem()->ListDirectory(data_dir + "/segments");
  return names.ok() ? names->size() : 0;
}

TEST_F(DiskFullTest, SealWhoseManifestEditFailsIsRetriedAndLosesNothing) {
  Open();
  CreateSpace();
  PutAcked(0, 40);
  fs_.Inject({Op::kWrite, "MANIFEST", 0, 1, ENOSPC, false});
  // The flush, or the background thread woken by it, meets the fault; the
  // other attempt (or the retry a second later) seals.
  (void)engine_->Flush();
  EXPECT_EQ(fs_.fired(), 1);
  ExpectExactlyAcked();
  ReopenClean();  // an orphan segment file is removed on open
  ExpectExactlyAcked();
  EXPECT_EQ(SegmentFiles(dir_->path()), engine_->Stats().segments);
  ASSERT_TRUE(engine_->Flush().ok());
  ReopenClean();
  ExpectExactlyAcked();
}

TEST_F(DiskFullTest, FailedCompactionLeavesTheSegmentsAndNoFileBehind) {
  compaction_trigger_segments_ = 100;  // only the Compact calls below
  Open();
  CreateSpace();
  for (uint32_t round = 0; round < 3; ++round) {
    PutAcked(round * 20, 20);
    ASSERT_TRUE(engine_->Flush().ok());
  }
  const uint64_t segments = engine_->Stats().segments;
  ASSERT_GE(segments, 2u);
  for (Fault fault :
       {Fault{Op::kWrite, "/segments/", 0, 1, ENOSPC, true},
        Fault{Op::kSyncDirectory, "segments", 0, 1, EIO, false}}) {
    fs_.Inject(fault);
    absl::Status compacted = engine_->Compact("s");
    EXPECT_FALSE(compacted.ok());
    fs_.ClearFaults();
    EXPECT_EQ(engine_->Stats().segments, segments);
    EXPECT_EQ(SegmentFiles(dir_->path()), segments);
    ExpectExactlyAcked();
  }
  ASSERT_TRUE(engine_->Compact("s").ok());
  EXPECT_EQ(engine_->Stats().segments, 1u);
  ReopenClean();
  ExpectExactlyAcked();
}

}  // namespace
}  // namespace infinitedb::testing
