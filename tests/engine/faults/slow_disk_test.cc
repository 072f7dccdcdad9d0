// A slow manifest fdatasync holds up only the catalogue edit that waits for
// it: puts, gets and queries of existing spaces go on meanwhile.
#include <thread>

#include "absl/synchronization/notification.h"
#include "tests/engine/faults/fault_fixture.h"

namespace infinitedb::testing {
namespace {

using SlowDiskTest = FaultTest;

TEST_F(SlowDiskTest, ReadsAndWritesProceedWhileAManifestEditIsSynced) {
  Open();
  CreateSpace();
  PutAcked(0, 10);
  fs_.HoldSyncs("MANIFEST");
  absl::Notification created;
  std::thread edit([&] {
    EXPECT_TRUE(engine_->CreateSpace("slow", 3).ok());
    created.Notify();
  });
  while (fs_.held_syncs() == 0) std::this_thread::yield();

  // The edit is stuck in its fdatasync; the data path is not.
  PutAcked(10, 20);
  absl::StatusOr<std::optional<Record>> got = engine_->Get({}, "s", {3, 21});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->has_value());
  ExpectExactlyAcked();
  EXPECT_FALSE(created.HasBeenNotified());
  EXPECT_TRUE(absl::IsNotFound(engine_->GetSpace("slow").status()));

  fs_.ReleaseSyncs();
  edit.join();
  EXPECT_TRUE(engine_->GetSpace("slow").ok());
}

}  // namespace
}  // namespace infinitedb::testing
