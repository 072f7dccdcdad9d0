// A database on a FaultInjectionFileSystem, for the fault tests: open,
// close, reopen on the real file system, and helpers that write and check
// records.
#ifndef INFINITEDB_TESTS_ENGINE_FAULTS_FAULT_FIXTURE_H_
#define INFINITEDB_TESTS_ENGINE_FAULTS_FAULT_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "engine/io/fault_injection_file_system.h"
#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb::testing {

using Fault = io::FaultInjectionFileSystem::Fault;
using Op = io::FaultInjectionFileSystem::Op;

class FaultTest : public ::testing::Test {
 protected:
  EngineOptions Options(FileSystem* file_system) const {
    EngineOptions options;
    options.data_dir = dir_->path();
    options.env.file_system = file_system;
    options.memtable_bytes_max = 1 << 20;
    options.compaction_trigger_segments = compaction_trigger_segments_;
    options.durability = durability_;
    return options;
  }

  // Opens the database on the fault-injecting file system.
  void Open() {
    engine_.reset();
    absl::StatusOr<std::unique_ptr<Engine>> engine =
        Engine::Open(Options(&fs_));
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  // Closes it and opens it again on the real file system.
  void ReopenClean() {
    engine_.reset();
    fs_.ClearFaults();
    absl::StatusOr<std::unique_ptr<Engine>> engine =
        Engine::Open(Options(DefaultFileSystem()));
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  void CreateSpace() { ASSERT_TRUE(engine_->CreateSpace("s", 2).ok()); }

  static std::string ValueFor(uint32_t key) {
    return absl::StrFormat("value-%d-%s", key, std::string(100, 'x'));
  }

  absl::StatusOr<CommitStamp> Put(uint32_t key) {
    return engine_->Put(kMainBranch, "s", {key, key * 7}, ValueFor(key));
  }

  // Puts `count` records from `first`, each acknowledged, into `acked`.
  void PutAcked(uint32_t first, uint32_t count) {
    for (uint32_t key = first; key < first + count; ++key) {
      absl::StatusOr<CommitStamp> stamp = Put(key);
      ASSERT_TRUE(stamp.ok()) << stamp.status();
      acked_[key] = ValueFor(key);
    }
  }

  // Every record of the space is one of `acked_` and every one is there.
  void ExpectExactlyAcked() {
    std::map<uint32_t, std::string> found;
    absl::Status status = engine_->Scan({}, "s", [&](const RecordView& r) {
      found[r.coordinate(0)] = std::string(r.value);
      return true;
    });
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(found.size(), acked_.size());
    EXPECT_TRUE(found == acked_);
  }

  std::unique_ptr<TempDir> dir_ = std::make_unique<TempDir>();
  io::FaultInjectionFileSystem fs_;
  std::unique_ptr<Engine> engine_;
  std::map<uint32_t, std::string> acked_;
  size_t compaction_trigger_segments_ = 2;
  Durability durability_ = Durability::kSync;
};

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_ENGINE_FAULTS_FAULT_FIXTURE_H_
