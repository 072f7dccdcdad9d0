// A real full disk under infdb-server: a 40 MiB tmpfs with a filler file
// beside the data directory, 32 KiB values put until the disk is full. A
// refused write changes nothing (now, after a flush, and after SIGKILL and a
// restart); writes resume once space is freed, without a restart; and the
// server starts and serves reads on a full disk. Needs root (mount); skipped
// otherwise.
#include <sys/mount.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

constexpr size_t kValueBytes = 32 << 10;

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_ = dir_.path() + "/disk";
    std::filesystem::create_directories(mount_);
    if (mount("tmpfs", mount_.c_str(), "tmpfs", 0, "size=40m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here (needs root): "
                   << strerror(errno);
    }
    mounted_ = true;
    // Leave about 12 MiB for the database.
    WriteFiller(mount_ + "/filler", 28 << 20);
  }
  void TearDown() override {
    server_.reset();
    if (mounted_) umount2(mount_.c_str(), MNT_DETACH);
  }

  // Writes up to `bytes` (fewer when the disk fills first: then down to
  // the last byte that fits).
  static void WriteFiller(const std::string& path, size_t bytes) {
    FILE* out = fopen(path.c_str(), "ab");
    ASSERT_NE(out, nullptr);
    setvbuf(out, nullptr, _IONBF, 0);
    std::string chunk(1 << 20, 'f');
    size_t done = 0;
    for (size_t size = chunk.size(); size > 0 && done < bytes; size /= 2) {
      while (done < bytes) {
        size_t n = std::min(size, bytes - done);
        if (fwrite(chunk.data(), 1, n, out) != n) break;
        done += n;
      }
      clearerr(out);
    }
    fclose(out);
  }

  // Whether not one more byte fits.
  bool DiskIsFull() const {
    FILE* probe = fopen((mount_ + "/probe").c_str(), "wb");
    if (probe == nullptr) return true;
    setvbuf(probe, nullptr, _IONBF, 0);
    bool full = fwrite("x", 1, 1, probe) != 1;
    fclose(probe);
    std::filesystem::remove(mount_ + "/probe");
    return full;
  }

  void StartServer() {
    server_ = std::make_unique<testing::ServerProcess>(mount_ + "/data");
    // The log stays off the small disk: it must not take or free its space.
    server_->set_log_path(dir_.path() + "/server.log");
    ASSERT_TRUE(server_->Start()) << "log: " << server_->log_path();
    client::ClientOptions options;
    options.target = server_->address();
    options.deadline = std::chrono::milliseconds(10'000);
    client_ = std::make_unique<client::Client>(options);
  }

  // Incompressible, so that sealing cannot make room by compressing.
  static std::string ValueFor(uint32_t key) {
    std::mt19937_64 random(key);
    std::string value(kValueBytes, '\0');
    for (char& c : value) c = static_cast<char>(random());
    return value;
  }

  // Puts until one is refused; returns the refused key.
  uint32_t PutUntilFull() {
    for (uint32_t key = static_cast<uint32_t>(acked_.size());; ++key) {
      auto stamp = client_->Put("", "s", {key, 1}, ValueFor(key));
      if (!stamp.ok()) {
        EXPECT_EQ(stamp.status().code(), absl::StatusCode::kResourceExhausted)
            << stamp.status();
        return key;
      }
      acked_[key] = ValueFor(key);
      EXPECT_LT(key, 2000u) << "the disk never filled";
      if (key >= 2000) return key;
    }
  }

  bool Found(uint32_t key) {
    v1::GetRequest request;
    request.set_space("s");
    request.mutable_point()->add_coordinates(key);
    request.mutable_point()->add_coordinates(1);
    auto got = client_->Get(request);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() && got->found();
  }

  void ExpectExactlyAcked(uint32_t refused) {
    v1::QueryRequest request;
    request.set_space("s");
    std::map<uint32_t, std::string> found;
    auto summary = client_->Query(request, [&](const v1::Record& record) {
      found[record.point().coordinates(0)] = record.value();
      return true;
    });
    ASSERT_TRUE(summary.ok()) << summary.status();
    EXPECT_EQ(found.size(), acked_.size());
    EXPECT_TRUE(found == acked_);
    EXPECT_FALSE(found.contains(refused));
  }

  testing::TempDir dir_;
  std::string mount_;
  bool mounted_ = false;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<client::Client> client_;
  std::map<uint32_t, std::string> acked_;
};

TEST_F(DiskFullTest, RefusedPutStaysRefusedThroughFlushKillAndRestart) {
  StartServer();
  ASSERT_TRUE(client_->CreateSpace("s", 2).ok());
  const uint32_t refused = PutUntilFull();
  EXPECT_FALSE(Found(refused));
  (void)client_->Flush();  // may fail: the segments do not fit either
  EXPECT_FALSE(Found(refused));
  server_->Kill();

  std::filesystem::remove(mount_ + "/filler");  // space is freed
  StartServer();
  ExpectExactlyAcked(refused);
  ASSERT_TRUE(client_->Flush().ok());
  server_->Stop();
  StartServer();
  ExpectExactlyAcked(refused);
}

TEST_F(DiskFullTest, WritesResumeWhenSpaceIsFreedWithoutARestart) {
  StartServer();
  ASSERT_TRUE(client_->CreateSpace("s", 2).ok());
  const uint32_t refused = PutUntilFull();
  std::filesystem::remove(mount_ + "/filler");
  const uint32_t next = refused + 1;
  auto stamp = client_->Put("", "s", {next, 1}, ValueFor(next));
  ASSERT_TRUE(stamp.ok()) << stamp.status();
  acked_[next] = ValueFor(next);
  ExpectExactlyAcked(refused);
  server_->Stop();
  StartServer();
  ExpectExactlyAcked(refused);
}

TEST_F(DiskFullTest, ServerStartsAndServesReadsOnAFullDisk) {
  StartServer();
  ASSERT_TRUE(client_->CreateSpace("s", 2).ok());
  for (uint32_t key = 0; key < 20; ++key) {
    ASSERT_TRUE(client_->Put("", "s", {key, 1}, ValueFor(key)).ok());
    acked_[key] = ValueFor(key);
  }
  server_->Stop();
  WriteFiller(mount_ + "/filler2", 64 << 20);  // every last byte
  ASSERT_TRUE(DiskIsFull());
  StartServer();
  ExpectExactlyAcked(1000);
  auto refused = client_->Put("", "s", {1000, 1}, ValueFor(1000));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
      << refused.status();
  EXPECT_FALSE(std::filesystem::exists(mount_ + "/data/MANIFEST.tmp"));
}

}  // namespace
}  // namespace infinitedb
