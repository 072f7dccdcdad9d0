// The manifest: catalogue edits survive reopen, a torn last edit is dropped,
// damage in the middle is DataLoss, counters never go backwards.
#include "engine/manifest/manifest.h"
#include "spdlog/spdlog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb::manifest {
namespace {

std::string ManifestPath(const testing::TempDir& dir) {
  return dir.path() + "/" + kManifestFileName;
}

void AddSpace(Manifest& manifest, uint32_t id, std::string name) {
  CatalogState counters = manifest.state();
  counters.next_space_id = id + 1;
  ASSERT_TRUE(manifest
                  .Append({SpaceCreatedEdit({id, 2, 0, std::move(name)}),
                           CountersEdit(counters)})
                  .ok());
}

TEST(ManifestTest, NewManifestHasOnlyMain) {
  testing::TempDir dir;
  auto manifest = Manifest::Open(DefaultFileSystem(),
                                 spdlog::default_logger_raw(), dir.path());
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  ASSERT_EQ((*manifest)->state().branches.size(), 1u);
  EXPECT_EQ((*manifest)->state().branches.at(kMainBranchId).name, "main");
  EXPECT_TRUE((*manifest)->state().spaces.empty());
}

TEST(ManifestTest, EditsSurviveReopenAndDroppedIdsAreNotReused) {
  testing::TempDir dir;
  {
    auto manifest = *Manifest::Open(DefaultFileSystem(),
                                    spdlog::default_logger_raw(), dir.path());
    AddSpace(*manifest, 1, "a");
    AddSpace(*manifest, 2, "b");
    ASSERT_TRUE(manifest->Append({SpaceDroppedEdit(2)}).ok());
    ASSERT_TRUE(
        manifest->Append({BranchCreatedEdit({2, kMainBranchId, 17, "alt"})})
            .ok());
  }
  auto manifest = *Manifest::Open(DefaultFileSystem(),
                                  spdlog::default_logger_raw(), dir.path());
  const CatalogState& state = manifest->state();
  ASSERT_EQ(state.spaces.size(), 1u);
  EXPECT_EQ(state.spaces.at(1).name, "a");
  EXPECT_EQ(state.next_space_id, 3u);
  ASSERT_EQ(state.branches.size(), 2u);
  EXPECT_EQ(state.branches.at(2).fork_revision, 17u);
}

TEST(ManifestTest, TornLastEditIsDropped) {
  testing::TempDir dir;
  {
    auto manifest = *Manifest::Open(DefaultFileSystem(),
                                    spdlog::default_logger_raw(), dir.path());
    AddSpace(*manifest, 1, "a");
    AddSpace(*manifest, 2, "b");
  }
  uint64_t size = std::filesystem::file_size(ManifestPath(dir));
  std::filesystem::resize_file(ManifestPath(dir), size - 3);
  auto manifest = Manifest::Open(DefaultFileSystem(),
                                 spdlog::default_logger_raw(), dir.path());
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ((*manifest)->state().spaces.size(), 2u);  // counters edit was torn
}

TEST(ManifestTest, DamageInTheMiddleIsDataLoss) {
  testing::TempDir dir;
  {
    auto manifest = *Manifest::Open(DefaultFileSystem(),
                                    spdlog::default_logger_raw(), dir.path());
    AddSpace(*manifest, 1, "a");
    AddSpace(*manifest, 2, "b");
  }
  {
    std::fstream file(ManifestPath(dir),
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(12);
    file.put('\x7f');
  }
  auto manifest = Manifest::Open(DefaultFileSystem(),
                                 spdlog::default_logger_raw(), dir.path());
  EXPECT_EQ(manifest.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(manifest.status().message().find("MANIFEST"), std::string::npos);
}

}  // namespace
}  // namespace infinitedb::manifest
