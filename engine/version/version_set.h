// The published read state of the engine and its catalogue: what every read
// pins. A ReadState (the active memtable, frozen memtables waiting to be
// sealed, each space's segments) is immutable once published; Install()
// publishes a changed copy, so a reader that pinned the old one keeps a fixed
// set of sources. The visible revision is published after the commits up to
// it are in the sources, so a snapshot taken at it sees all of them.
//
// Thread-safe: any thread pins and reads; the commit pipeline (freezing),
// maintenance (sealing, compaction) and space drops install.
#ifndef INFINITEDB_ENGINE_VERSION_VERSION_SET_H_
#define INFINITEDB_ENGINE_VERSION_VERSION_SET_H_

#include <atomic>
#include <memory>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/mvcc/snapshot_reader.h"
#include "engine/version/catalog.h"
#include "engine/version/read_state.h"

namespace infinitedb::version {

// A reader pinned to one revision of one space on one branch.
struct Snapshot {
  mvcc::SnapshotReader reader;
  Revision revision = 0;
  uint32_t space_id = 0;
  int dims = 0;
  size_t memtable_entries = 0;  // in the pinned memtables, of any space
};

class VersionSet {
 public:
  VersionSet(std::unique_ptr<Catalog> catalog,
             std::shared_ptr<mvcc::MemTable> active);

  Catalog& catalog() const { return *catalog_; }

  // The current sources; valid for as long as the caller holds them.
  std::shared_ptr<const ReadState> Pin() const;
  // Publishes a copy of the current state changed by `edit` (which must not
  // block: it runs under the state lock).
  void Install(absl::FunctionRef<void(ReadState&)> edit);

  // The newest revision whose commits are all in the sources.
  Revision visible_revision() const {
    return visible_revision_.load(std::memory_order_acquire);
  }
  // Makes `revision` visible and wakes WaitForRevision callers.
  void PublishRevision(Revision revision);
  // Blocks until the visible revision is beyond `after`, or for at most
  // `timeout_ms`; returns the visible revision.
  Revision WaitForRevision(Revision after, int64_t timeout_ms);

  // A snapshot of `space` on `branch` at `as_of` (0 = the visible
  // revision): OutOfRange beyond the visible revision or below the history
  // horizon, NotFound for an unknown space or branch.
  absl::StatusOr<Snapshot> NewSnapshot(std::string_view branch, Revision as_of,
                                       std::string_view space) const;

 private:
  const std::unique_ptr<Catalog> catalog_;

  mutable absl::Mutex state_mu_;
  std::shared_ptr<const ReadState> state_ ABSL_GUARDED_BY(state_mu_);

  std::atomic<Revision> visible_revision_{0};
  // WaitForRevision() sleeps on this; publishing wakes it when anyone waits.
  absl::Mutex publish_mu_;
  std::atomic<int> publish_waiters_{0};
};

}  // namespace infinitedb::version

#endif  // INFINITEDB_ENGINE_VERSION_VERSION_SET_H_
