// Branches and drops that every server agrees on: this server's side of the
// catalogue events (replication/catalog_events.h).
//
// A branch made here is forked at the HLC stamp F of its creation's record
// in __catalog (and at that record's revision, its floor); the record
// streams to the peers. A server that receives it forks the branch from
// the same parent at the same F, so the branch sees the same parent
// versions everywhere once the servers hold the same changes: per address,
// the parent's newest version stamped at or below F. A creation that
// arrives for a branch this server already has (made here, or made on the
// fly when a write to it came first) moves its fork when the event is
// newer. Drops of branches and spaces are recorded before they take effect
// and are applied where they arrive; replicated writes stamped at or before
// a known drop are stale.
//
// Open finishes what a crash cut short: a creation recorded but not made
// is made, a drop recorded but not done is done.
// Thread-safe: events, local or received, take effect one at a time.
#ifndef INFINITEDB_ENGINE_DB_CATALOG_REPLICATION_H_
#define INFINITEDB_ENGINE_DB_CATALOG_REPLICATION_H_

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "engine/commit/commit_pipeline.h"
#include "engine/db/graph_store_impl.h"
#include "engine/replication/catalog_events.h"
#include "engine/version/version_set.h"

namespace infinitedb {

class CatalogReplication : public replication::CatalogEventSink {
 public:
  // What the engine does for an event that arrives (without recording
  // another).
  struct Effects {
    std::function<absl::Status(std::string_view)> drop_branch;
    std::function<absl::Status(std::string_view)> drop_space;
    std::function<void()> fork_moved;  // what a branch sees has changed
  };

  // Every pointer outlives this.
  CatalogReplication(const EngineOptions* options,
                     version::VersionSet* versions, GraphStoreImpl* store,
                     commit::CommitPipeline* pipeline, Effects effects)
      : options_(options),
        versions_(versions),
        store_(store),
        pipeline_(pipeline),
        effects_(std::move(effects)) {}

  // Creates __catalog, learns the newest event of each name and finishes
  // what a crash cut short.
  absl::Status Open();

  // Forks `name` from `parent` now, and records it.
  absl::StatusOr<BranchInfo> CreateBranch(std::string_view name,
                                          std::string_view parent);
  // Records the drop of branch `name` (or space `name`), before it is done.
  absl::Status BranchDropping(std::string_view name);
  absl::Status SpaceDropping(std::string_view name);

  // Runs `read` while no event takes effect (a backup reads the revision
  // and the catalogue together: a branch's record and the branch stay on
  // the same side of it).
  absl::Status WhileNoEvent(absl::FunctionRef<absl::Status()> read) {
    absl::MutexLock lock(&apply_mu_);
    return read();
  }

  absl::Status Receive(const replication::CatalogEvent& event, uint64_t hlc,
                       uint32_t origin) override;
  bool Dropped(const ChangeOp& op) const override;

 private:
  struct Known {
    replication::CatalogEvent event;
    uint64_t hlc = 0;
    uint32_t origin = 0;
    Revision revision = 0;  // where it is stored here (0: not yet)
  };
  using NameKey = std::pair<bool, std::string>;  // (about a space, name)

  // Commits `event` to __catalog and notes it.
  absl::StatusOr<CommitStamp> Record(const replication::CatalogEvent& event)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(apply_mu_);
  absl::Status ReceiveCreation(const replication::CatalogEvent& event)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(apply_mu_);
  // `hlc` and `origin`: the drop record's stamp.
  absl::Status ReceiveBranchDrop(const replication::CatalogEvent& event,
                                 uint64_t hlc, uint32_t origin)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(apply_mu_);
  // Open's repairs.
  absl::Status Reconcile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(apply_mu_);
  // The highest revision here whose versions are all stamped at or below
  // `fork_hlc`.
  Revision FloorFor(uint64_t fork_hlc) const;
  std::optional<Known> Find(const NameKey& key) const;
  void Note(const NameKey& key, Known known);

  const EngineOptions* const options_;
  version::VersionSet* const versions_;
  GraphStoreImpl* const store_;
  commit::CommitPipeline* const pipeline_;
  const Effects effects_;

  absl::Mutex apply_mu_;
  mutable absl::Mutex known_mu_;
  std::map<NameKey, Known> known_ ABSL_GUARDED_BY(known_mu_);
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_CATALOG_REPLICATION_H_
