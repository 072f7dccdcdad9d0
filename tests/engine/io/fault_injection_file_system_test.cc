// The fault-injecting file system does what the fault tests rely on: faults
// fire on the chosen operation and only then, a short write leaves half its
// bytes, and a power cut drops exactly what was not durable.
#include "engine/io/fault_injection_file_system.h"

#include <gtest/gtest.h>

#include "engine/io/file.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb::io {
namespace {

using Op = FaultInjectionFileSystem::Op;

std::string Contents(const std::string& path) {
  absl::StatusOr<File> file = DefaultFileSystem()->Open(path, false);
  if (!file.ok()) return "<missing>";
  return *file->ReadAll();
}

TEST(FaultInjectionFileSystemTest, FaultFiresOnTheNthMatchingOperation) {
  testing::TempDir dir;
  FaultInjectionFileSystem fs;
  fs.Inject({Op::kWrite, "b.log", /*skip=*/1, /*times=*/1, ENOSPC, false});
  absl::StatusOr<File> a = fs.Create(dir.path() + "/a.log");
  absl::StatusOr<File> b = fs.Create(dir.path() + "/b.log");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->WriteAt(0, "x").ok());  // another file
  EXPECT_TRUE(b->WriteAt(0, "1").ok());  // skipped
  absl::Status failed = b->WriteAt(1, "2");
  EXPECT_TRUE(absl::IsResourceExhausted(failed)) << failed;
  EXPECT_TRUE(b->WriteAt(1, "3").ok());  // fired once only
  EXPECT_EQ(fs.fired(), 1);
  EXPECT_EQ(Contents(dir.path() + "/b.log"), "13");
}

TEST(FaultInjectionFileSystemTest, ShortWriteLeavesHalfItsBytes) {
  testing::TempDir dir;
  FaultInjectionFileSystem fs;
  fs.Inject({Op::kWrite, "", 0, 1, ENOSPC, /*short_write=*/true});
  absl::StatusOr<File> file = fs.Create(dir.path() + "/f");
  ASSERT_TRUE(file.ok());
  std::string data = "0123456789";
  absl::StatusOr<std::unique_ptr<IoRing>> ring = fs.NewRing(4);
  ASSERT_TRUE(ring.ok());
  iovec buffer{data.data(), data.size()};
  EXPECT_FALSE((*ring)->WriteAt(*file, {&buffer, 1}, 0, true).ok());
  EXPECT_EQ(Contents(dir.path() + "/f"), "01234");
}

TEST(FaultInjectionFileSystemTest, PowerCutDropsWhatWasNotDurable) {
  testing::TempDir dir;
  FaultInjectionFileSystem fs;
  const std::string durable = dir.path() + "/durable";
  const std::string unsynced_entry = dir.path() + "/new";
  {
    absl::StatusOr<File> file = fs.Create(durable);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(file->WriteAt(0, "synced").ok());
    ASSERT_TRUE(file->DataSync().ok());
    ASSERT_TRUE(fs.SyncDirectory(dir.path()).ok());
    ASSERT_TRUE(file->WriteAt(6, "+lost").ok());
  }
  ASSERT_TRUE(io::WriteFileAtomically(&fs, dir.path(), "durable", "new").ok());
  absl::StatusOr<File> fresh = fs.Create(unsynced_entry);
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(fresh->WriteAt(0, "x").ok());
  ASSERT_TRUE(fresh->DataSync().ok());  // data synced, directory entry not
  // The rename was made durable by WriteFileAtomically's directory fsync.
  absl::StatusOr<File> again = fs.Open(durable, true);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->WriteAt(3, "er").ok());  // not synced
  fs.CutPower();
  EXPECT_FALSE(again->WriteAt(0, "z").ok());
  ASSERT_TRUE(fs.RestoreAfterPowerCut().ok());
  EXPECT_EQ(Contents(durable), "new");
  EXPECT_EQ(Contents(unsynced_entry), "<missing>");
}

TEST(FaultInjectionFileSystemTest,
     PowerCutUndoesARenameWhoseDirectoryWasNotSynced) {
  testing::TempDir dir;
  FaultInjectionFileSystem fs;
  const std::string target = dir.path() + "/MANIFEST";
  ASSERT_TRUE(io::WriteFileAtomically(&fs, dir.path(), "MANIFEST", "old").ok());
  fs.Inject({Op::kSyncDirectory, "", 0, 1, EIO, false});
  EXPECT_FALSE(
      io::WriteFileAtomically(&fs, dir.path(), "MANIFEST", "new").ok());
  fs.CutPower();
  ASSERT_TRUE(fs.RestoreAfterPowerCut().ok());
  EXPECT_EQ(Contents(target), "old");
  EXPECT_EQ(Contents(target + ".tmp"), "<missing>");
}

}  // namespace
}  // namespace infinitedb::io
