// Subscriber acknowledgements: the golden file pins the format, they survive
// reopening, a damaged file is DataLoss, the old text file is migrated, and
// the WAL hold follows the oldest acknowledgement within retention.
#include "engine/replication/subscriber_acks.h"

#include <fstream>
#include <iterator>

#include "engine/io/file.h"
#include "gtest/gtest.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb::replication {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

const std::map<std::string, Revision> kGoldenAcks = {
    {"node-2", 41}, {"peer.b", 0}, {"z", (uint64_t{1} << 40) + 7}};

TEST(SubscriberAcksTest, GoldenFilePinsTheFormat) {
  const std::string golden =
      ReadFile(std::string(INFDB_TESTDATA_DIR) + "/replication/SUBSCRIBERS");
  ASSERT_FALSE(golden.empty());
  EXPECT_EQ(EncodeSubscriberAcks(kGoldenAcks), golden);
  absl::StatusOr<std::map<std::string, Revision>> decoded =
      DecodeSubscriberAcks(golden, "SUBSCRIBERS");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, kGoldenAcks);
}

TEST(SubscriberAcksTest, AcknowledgementsSurviveReopen) {
  testing::TempDir dir;
  {
    auto acks = SubscriberAcks::Open(DefaultFileSystem(), dir.path(), 1000);
    ASSERT_TRUE(acks.ok()) << acks.status();
    (*acks)->Set("a", 5);
    (*acks)->Set("b", 9);
    (*acks)->Set("a", 3);  // started over
    ASSERT_TRUE((*acks)->Persist().ok());
  }
  auto acks = SubscriberAcks::Open(DefaultFileSystem(), dir.path(), 1000);
  ASSERT_TRUE(acks.ok()) << acks.status();
  EXPECT_EQ((*acks)->All(),
            (std::map<std::string, Revision>{{"a", 3}, {"b", 9}}));
  EXPECT_FALSE(DefaultFileSystem()->Exists(dir.path() + "/SUBSCRIBERS.tmp"));
}

TEST(SubscriberAcksTest, ForgetIsDurableAndUnknownIsNotFound) {
  testing::TempDir dir;
  {
    auto acks = SubscriberAcks::Open(DefaultFileSystem(), dir.path(), 1000);
    ASSERT_TRUE(acks.ok());
    (*acks)->Set("a", 5);
    (*acks)->Set("b", 6);
    ASSERT_TRUE((*acks)->Persist().ok());
    ASSERT_TRUE((*acks)->Forget("a").ok());
    EXPECT_TRUE(absl::IsNotFound((*acks)->Forget("a")));
  }
  auto acks = SubscriberAcks::Open(DefaultFileSystem(), dir.path(), 1000);
  ASSERT_TRUE(acks.ok());
  EXPECT_EQ((*acks)->All(), (std::map<std::string, Revision>{{"b", 6}}));
}

TEST(SubscriberAcksTest, DamagedFileIsDataLoss) {
  testing::TempDir dir;
  std::string contents = EncodeSubscriberAcks(kGoldenAcks);
  contents[contents.size() - 1] ^= 0x40;  // the last id's byte
  WriteFile(dir.path() + "/SUBSCRIBERS", contents);
  auto acks = SubscriberAcks::Open(DefaultFileSystem(), dir.path(), 1000);
  ASSERT_TRUE(absl::IsDataLoss(acks.status())) << acks.status();
  EXPECT_NE(acks.status().message().find("SUBSCRIBERS"), std::string::npos);

  WriteFile(dir.path() + "/SUBSCRIBERS", contents.substr(0, 5));  // torn
  EXPECT_TRUE(absl::IsDataLoss(
      SubscriberAcks::Open(DefaultFileSystem(), dir.path(), 1).status()));
}

TEST(SubscriberAcksTest, LegacyTextFileIsMigrated) {
  testing::TempDir dir;
  WriteFile(dir.path() + "/replication_subscribers", "12 peer-1\n7 cdc\n");
  {
    auto acks = SubscriberAcks::Open(DefaultFileSystem(), dir.path(), 1000);
    ASSERT_TRUE(acks.ok()) << acks.status();
    EXPECT_EQ((*acks)->All(),
              (std::map<std::string, Revision>{{"cdc", 7}, {"peer-1", 12}}));
    (*acks)->Set("cdc", 8);
    ASSERT_TRUE((*acks)->Persist().ok());
  }
  EXPECT_FALSE(
      DefaultFileSystem()->Exists(dir.path() + "/replication_subscribers"));
  auto acks = SubscriberAcks::Open(DefaultFileSystem(), dir.path(), 1000);
  ASSERT_TRUE(acks.ok());
  EXPECT_EQ((*acks)->All(),
            (std::map<std::string, Revision>{{"cdc", 8}, {"peer-1", 12}}));

  WriteFile(dir.path() + "/SUBSCRIBERS", "");
  std::filesystem::remove(dir.path() + "/SUBSCRIBERS");
  WriteFile(dir.path() + "/replication_subscribers", "x peer\n");
  EXPECT_TRUE(absl::IsDataLoss(
      SubscriberAcks::Open(DefaultFileSystem(), dir.path(), 1).status()));
}

TEST(SubscriberAcksTest, HoldFollowsTheOldestAcknowledgementWithinRetention) {
  testing::TempDir dir;
  auto acks = SubscriberAcks::Open(DefaultFileSystem(), dir.path(), 100);
  ASSERT_TRUE(acks.ok());
  EXPECT_EQ((*acks)->HoldRevision(50), 0u);  // no subscriber: no hold
  (*acks)->Set("slow", 10);
  (*acks)->Set("fast", 40);
  EXPECT_EQ((*acks)->HoldRevision(50), 11u);
  EXPECT_EQ((*acks)->HoldRevision(1000), 901u);  // retention caps the hold
}

}  // namespace
}  // namespace infinitedb::replication
