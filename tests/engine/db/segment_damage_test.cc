// Damage to sealed segments seen through the engine: a flipped byte in a
// block is DataLoss naming the file and block (never wrong data), and a
// truncated segment stops the database from opening.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

std::string OnlySegment(const std::string& data_dir) {
  std::string found;
  for (const auto& entry :
       std::filesystem::directory_iterator(data_dir + "/segments")) {
    found = entry.path().string();
  }
  return found;
}

std::unique_ptr<Engine> OpenWithOneSegment(const std::string& dir) {
  EngineOptions options;
  options.data_dir = dir;
  options.durability = Durability::kAsync;
  auto engine = Engine::Open(options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  EXPECT_TRUE((*engine)->CreateSpace("s", 2).ok());
  std::vector<Mutation> batch;
  for (uint32_t i = 0; i < 5000; ++i) {
    batch.push_back(Mutation::Put("s", {i % 100, i / 100}, "value"));
  }
  EXPECT_TRUE((*engine)->Batch("main", batch).ok());
  EXPECT_TRUE((*engine)->Flush().ok());
  return std::move(*engine);
}

TEST(SegmentDamageTest, FlippedBlockByteIsDataLossNamingFileAndBlock) {
  testing::TempDir dir;
  OpenWithOneSegment(dir.path()).reset();
  std::string segment = OnlySegment(dir.path());
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(100);  // inside block 0
    file.put('\x5a');
  }
  EngineOptions options;
  options.data_dir = dir.path();
  auto engine = Engine::Open(options);  // the index is intact: opens
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto records = ScanAll(**engine, {}, "s");
  ASSERT_EQ(records.status().code(), absl::StatusCode::kDataLoss);
  std::string message(records.status().message());
  EXPECT_NE(message.find(std::filesystem::path(segment).filename().string()),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("block 0"), std::string::npos) << message;
  auto record = (*engine)->Get({}, "s", {0, 0});
  EXPECT_EQ(record.status().code(), absl::StatusCode::kDataLoss);
}

TEST(SegmentDamageTest, TruncatedSegmentStopsTheOpen) {
  testing::TempDir dir;
  OpenWithOneSegment(dir.path()).reset();
  std::string segment = OnlySegment(dir.path());
  std::filesystem::resize_file(segment,
                               std::filesystem::file_size(segment) - 10);
  EngineOptions options;
  options.data_dir = dir.path();
  auto engine = Engine::Open(options);
  ASSERT_EQ(engine.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(engine.status().message().find(
                std::filesystem::path(segment).filename().string()),
            std::string::npos);
}

}  // namespace
}  // namespace infinitedb
