// The write-ahead log: round trip through the writer and recovery, torn
// tails, corruption in the middle, and the frozen frame format.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/io/file.h"
#include "engine/wal/wal_format.h"
#include "engine/wal/wal_recovery.h"
#include "engine/wal/wal_writer.h"
#include "spdlog/spdlog.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb::wal {
namespace {

std::string CommitFrame(Revision revision, std::string_view value) {
  std::string ops;
  AppendOp(&ops, kPutOp, /*space_id=*/3, {1, 2}, value);
  std::string frame;
  AppendCommitFrame(&frame, kCommit, {revision, revision << 16, 1},
                    /*branch_id=*/1, 1, ops);
  return frame;
}

absl::StatusOr<std::vector<WalCommit>> ReadBack(const std::string& dir,
                                                RecoveryResult* result) {
  std::vector<WalCommit> commits;
  absl::StatusOr<RecoveryResult> recovered =
      RecoverLog(DefaultFileSystem(), spdlog::default_logger_raw(), dir,
                 [&commits](WalCommit commit) {
                   commits.push_back(std::move(commit));
                   return absl::OkStatus();
                 });
  if (!recovered.ok()) return recovered.status();
  if (result != nullptr) *result = *recovered;
  return commits;
}

void WriteCommits(const std::string& dir, Revision first, int count,
                  uint64_t segment_bytes_max = 1 << 20) {
  RecoveryResult at;
  ASSERT_TRUE(ReadBack(dir, &at).ok());
  auto writer = WalWriter::Open(DefaultFileSystem(), dir, at.last_segment,
                                at.end_offset, segment_bytes_max);
  ASSERT_TRUE(writer.ok()) << writer.status();
  for (int i = 0; i < count; ++i) {
    std::string frame = CommitFrame(first + i, "value-" + std::to_string(i));
    iovec buffer{frame.data(), frame.size()};
    ASSERT_TRUE((*writer)->Append({&buffer, 1}, /*data_sync=*/true).ok());
  }
}

std::string SegmentPath(const std::string& dir, uint64_t number) {
  return dir + "/" + SegmentFileName(number);
}

void FlipByte(const std::string& path, uint64_t offset) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(offset);
  char c;
  file.get(c);
  file.seekp(offset);
  file.put(static_cast<char>(c ^ 0x40));
}

TEST(WalTest, CommitsRoundTrip) {
  testing::TempDir dir;
  WriteCommits(dir.path(), 1, 5);
  auto commits = ReadBack(dir.path(), nullptr);
  ASSERT_TRUE(commits.ok()) << commits.status();
  ASSERT_EQ(commits->size(), 5u);
  for (int i = 0; i < 5; ++i) {
    const WalCommit& c = (*commits)[i];
    EXPECT_EQ(c.stamp.revision, static_cast<Revision>(i + 1));
    EXPECT_EQ(c.stamp.hlc, c.stamp.revision << 16);
    EXPECT_EQ(c.branch_id, 1u);
    ASSERT_EQ(c.ops.size(), 1u);
    EXPECT_EQ(c.ops[0].space_id, 3u);
    EXPECT_EQ(c.ops[0].point, (Point{1, 2}));
    EXPECT_EQ(c.ops[0].value, "value-" + std::to_string(i));
  }
}

TEST(WalTest, SegmentsRollAndReplayInOrder) {
  testing::TempDir dir;
  WriteCommits(dir.path(), 1, 50, /*segment_bytes_max=*/200);
  RecoveryResult result;
  auto commits = ReadBack(dir.path(), &result);
  ASSERT_TRUE(commits.ok()) << commits.status();
  EXPECT_EQ(commits->size(), 50u);
  EXPECT_GT(result.segments, 5u);
  EXPECT_EQ(result.max_revision, 50u);
  WriteCommits(dir.path(), 51, 5, 200);
  commits = ReadBack(dir.path(), nullptr);
  ASSERT_TRUE(commits.ok());
  EXPECT_EQ(commits->back().stamp.revision, 55u);
}

TEST(WalTest, TruncatedTailIsIgnoredAndCutOff) {
  testing::TempDir dir;
  WriteCommits(dir.path(), 1, 3);
  std::string path = SegmentPath(dir.path(), 1);
  uint64_t size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 5);
  RecoveryResult result;
  auto commits = ReadBack(dir.path(), &result);
  ASSERT_TRUE(commits.ok()) << commits.status();
  EXPECT_EQ(commits->size(), 2u);
  EXPECT_GT(result.truncated_bytes, 0u);
  EXPECT_EQ(std::filesystem::file_size(path), result.end_offset);
  // Appending continues cleanly after the cut.
  WriteCommits(dir.path(), 3, 1);
  commits = ReadBack(dir.path(), nullptr);
  ASSERT_TRUE(commits.ok()) << commits.status();
  EXPECT_EQ(commits->size(), 3u);
}

TEST(WalTest, GarbageTailIsIgnored) {
  testing::TempDir dir;
  WriteCommits(dir.path(), 1, 3);
  std::string path = SegmentPath(dir.path(), 1);
  uint64_t size = std::filesystem::file_size(path);
  FlipByte(path, size - 2);  // the last frame's value: a torn last write
  auto commits = ReadBack(dir.path(), nullptr);
  ASSERT_TRUE(commits.ok()) << commits.status();
  EXPECT_EQ(commits->size(), 2u);
}

TEST(WalTest, ChecksumMismatchInTheMiddleIsDataLoss) {
  testing::TempDir dir;
  WriteCommits(dir.path(), 1, 3);
  std::string path = SegmentPath(dir.path(), 1);
  FlipByte(path, 20);  // inside the first frame
  auto commits = ReadBack(dir.path(), nullptr);
  ASSERT_EQ(commits.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(commits.status().message().find("000001.log"), std::string::npos);
  EXPECT_NE(commits.status().message().find("offset 0"), std::string::npos);
  // Nothing was cut: the damage is still there for an operator to inspect.
  EXPECT_EQ(ReadBack(dir.path(), nullptr).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(WalTest, DamageAtTheEndOfAnOlderSegmentIsDataLoss) {
  testing::TempDir dir;
  WriteCommits(dir.path(), 1, 20, /*segment_bytes_max=*/200);
  std::string path = SegmentPath(dir.path(), 1);
  uint64_t size = std::filesystem::file_size(path);
  FlipByte(path, size - 1);
  auto commits = ReadBack(dir.path(), nullptr);
  ASSERT_EQ(commits.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(commits.status().message().find("000001.log"), std::string::npos);
}

TEST(WalTest, MissingMiddleSegmentIsDataLoss) {
  testing::TempDir dir;
  WriteCommits(dir.path(), 1, 20, /*segment_bytes_max=*/200);
  ASSERT_TRUE(DefaultFileSystem()->Remove(SegmentPath(dir.path(), 2)).ok());
  EXPECT_EQ(ReadBack(dir.path(), nullptr).status().code(),
            absl::StatusCode::kDataLoss);
}

// tests/testdata/wal/000001.log holds two commits written by the first
// version of the format. Reading it back and re-encoding it must give the
// same bytes: a change to the format breaks this test.
TEST(WalTest, GoldenFilePinsTheFrameFormat) {
  std::string golden_dir = std::string(INFDB_TESTDATA_DIR) + "/wal";
  std::string golden =
      *DefaultFileSystem()->Open(SegmentPath(golden_dir, 1), false)->ReadAll();
  std::string expected;
  {
    std::string ops;
    AppendOp(&ops, kPutOp, 3, {1, 2}, "hi");
    AppendCommitFrame(&expected, kCommit, {7, 0x0123456789ABCDEF, 42}, 1, 1,
                      ops);
  }
  {
    std::string ops;
    AppendOp(&ops, kDeleteOp, 4, {0xFFFFFFFF, 0, 5}, "");
    AppendOp(&ops, kPutOp, 4, {9, 8, 7}, std::string(3, '\0'));
    AppendCommitFrame(&expected, kCommit, {8, 0x0123456789ABCE00, 42}, 2, 2,
                      ops);
  }
  EXPECT_EQ(golden, expected);
  // The worked example of wal_format.h: the op bytes of the first commit.
  std::string op_bytes = golden.substr(9 + 28, 20);
  EXPECT_EQ(op_bytes, std::string("\x01\x03\x00\x00\x00\x02\x01\x00\x00\x00"
                                  "\x02\x00\x00\x00\x02\x00\x00\x00hi",
                                  20));
  testing::TempDir dir;
  std::filesystem::copy(SegmentPath(golden_dir, 1), SegmentPath(dir.path(), 1));
  auto commits = ReadBack(dir.path(), nullptr);
  ASSERT_TRUE(commits.ok()) << commits.status();
  ASSERT_EQ(commits->size(), 2u);
  EXPECT_EQ((*commits)[1].ops[0].kind, kDeleteOp);
  EXPECT_EQ((*commits)[1].ops[0].point, (Point{0xFFFFFFFF, 0, 5}));
  EXPECT_EQ((*commits)[1].stamp.origin, 42u);
}

}  // namespace
}  // namespace infinitedb::wal
