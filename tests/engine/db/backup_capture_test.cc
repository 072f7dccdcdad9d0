// Engine::BeginBackup (engine/public/backup.h): a backup begun and then
// read only after later writes, seals, compactions (which delete the
// segment files it holds), WAL release and a space drop still holds
// exactly its revision; a data directory made of its files opens at that
// revision with every record, and the files the engine deleted stayed
// readable through the backup.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

std::map<std::string, std::string> All(Engine& engine, const std::string& space,
                                       Revision as_of) {
  std::map<std::string, std::string> records;
  QueryRequest query;
  query.space = space;
  query.as_of = as_of;
  auto result = engine.Query(query, [&](const RecordView& record) {
    std::string key;
    for (uint32_t c : record.point()) key += std::to_string(c) + ",";
    records[key] = std::string(record.value);
    return true;
  });
  EXPECT_TRUE(result.ok()) << result.status();
  return records;
}

void Write(Engine& engine, const std::string& space, int first, int count,
           const std::string& value) {
  for (int i = first; i < first + count; ++i) {
    ASSERT_TRUE(engine
                    .Put("main", space,
                         {static_cast<uint32_t>(i % 100),
                          static_cast<uint32_t>(i / 100)},
                         value + std::to_string(i))
                    .ok());
  }
}

class BackupCaptureTest : public ::testing::TestWithParam<bool> {};

TEST_P(BackupCaptureTest, ABackupHoldsItsRevisionThroughCompactionAndDrops) {
  testing::TempDir dir;
  EngineOptions options;
  options.data_dir = dir.path() + "/live";
  options.memtable_bytes_max = 64 << 10;  // many seals
  auto opened = Engine::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& engine = **opened;
  ASSERT_TRUE(engine.CreateSpace("s", 2).ok());
  ASSERT_TRUE(engine.CreateSpace("gone", 2).ok());
  Write(engine, "s", 0, 3000, "first-");
  Write(engine, "gone", 0, 200, "g-");
  ASSERT_TRUE(engine.Flush().ok());
  Write(engine, "s", 2000, 500, "unsealed-");  // only in the WAL

  BackupOptions backup_options;
  backup_options.seal_first = GetParam();
  auto backup = engine.BeginBackup(backup_options);
  ASSERT_TRUE(backup.ok()) << backup.status();
  const Revision revision = (*backup)->revision();
  bool wal_cut = false;
  for (const BackupFile& file : (*backup)->files()) {
    wal_cut |= file.path.rfind("wal/", 0) == 0 && file.size > 0;
  }
  EXPECT_EQ(wal_cut, !GetParam());
  EXPECT_EQ(revision, engine.CurrentRevision());
  const auto expected = All(engine, "s", revision);
  const auto expected_gone = All(engine, "gone", revision);

  // Everything the backup's files could be taken away by.
  Write(engine, "s", 0, 4000, "later-");
  ASSERT_TRUE(engine.Flush().ok());
  ASSERT_TRUE(engine.Compact("").ok());
  ASSERT_TRUE(engine.DropSpace("gone").ok());

  const std::string copy = dir.path() + "/copy";
  for (size_t i = 0; i < (*backup)->files().size(); ++i) {
    const BackupFile& file = (*backup)->files()[i];
    std::filesystem::create_directories(
        std::filesystem::path(copy + "/" + file.path).parent_path());
    std::ofstream out(copy + "/" + file.path, std::ios::binary);
    for (uint64_t offset = 0; offset < file.size;) {
      auto bytes = (*backup)->Read(i, offset, 1 << 16);
      ASSERT_TRUE(bytes.ok()) << file.path << ": " << bytes.status();
      ASSERT_FALSE(bytes->empty()) << file.path;
      out << *bytes;
      offset += bytes->size();
    }
  }
  backup->reset();
  opened->reset();

  EngineOptions restored_options;
  restored_options.data_dir = copy;
  auto restored = Engine::Open(restored_options);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)->CurrentRevision(), revision);
  EXPECT_EQ(All(**restored, "s", 0), expected);
  EXPECT_EQ(All(**restored, "gone", 0), expected_gone);
  EXPECT_EQ(expected.size(), 3000u);
  EXPECT_EQ(expected.at("0,24,"), "unsealed-2400");
}

// Sealed first (little WAL), and not (the WAL since the last seal, cut
// after the backup's revision, replayed when the copy opens).
INSTANTIATE_TEST_SUITE_P(SealFirstOrNot, BackupCaptureTest, ::testing::Bool());

}  // namespace
}  // namespace infinitedb
