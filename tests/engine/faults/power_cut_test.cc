// Power cuts (everything not yet durable dropped) at every write, fsync,
// rename and removal of sealing, compaction and the manifest's rewrite on
// open: reopening gives exactly the acknowledged records every time.
#include "tests/engine/faults/fault_fixture.h"

namespace infinitedb::testing {
namespace {

// Loads, opens and closes, and checks, cutting the power at the
// `cut`-th file operation of `work`; returns whether the cut came before
// `work` finished.
class PowerCutTest : public FaultTest {
 protected:
  template <typename Work>
  void CutAtEveryOperation(int first_records, Work work) {
    for (int cut = 1;; ++cut) {
      SCOPED_TRACE(absl::StrFormat("power cut at operation %d", cut));
      dir_ = std::make_unique<TempDir>();
      acked_.clear();
      Open();
      CreateSpace();
      PutAcked(0, first_records);
      fs_.CutPowerAfter(cut);
      work();
      bool cut_happened = fs_.power_cut();
      fs_.CutPower();  // nothing more reaches the disk
      engine_.reset();
      ASSERT_TRUE(fs_.RestoreAfterPowerCut().ok());
      ReopenClean();
      ExpectExactlyAcked();
      if (HasFatalFailure() || !cut_happened) return;
    }
  }
};

TEST_F(PowerCutTest, DuringSealing) {
  CutAtEveryOperation(40, [&] { (void)engine_->Flush(); });
}

TEST_F(PowerCutTest, DuringCompaction) {
  CutAtEveryOperation(20, [&] {
    if (!engine_->Flush().ok()) return;
    for (uint32_t key = 20; key < 30; ++key) {
      if (!Put(key).ok()) return;
      acked_[key] = ValueFor(key);
    }
    if (!engine_->Flush().ok()) return;
    (void)engine_->Compact("s");
  });
}

TEST_F(PowerCutTest, DuringTheManifestRewriteOnOpen) {
  CutAtEveryOperation(10, [&] {
    if (!engine_->Flush().ok()) return;
    engine_.reset();
    absl::StatusOr<std::unique_ptr<Engine>> reopened =
        Engine::Open(Options(&fs_));
    if (reopened.ok()) engine_ = std::move(*reopened);
  });
}

TEST_F(PowerCutTest, DuringCommits) {
  CutAtEveryOperation(5, [&] {
    for (uint32_t key = 100; key < 105; ++key) {
      absl::StatusOr<CommitStamp> stamp = Put(key);
      if (!stamp.ok()) return;
      acked_[key] = ValueFor(key);  // acknowledged: must survive the cut
    }
  });
}

}  // namespace
}  // namespace infinitedb::testing
