// Applies changes received from another server (Engine::ApplyReplicated):
// checks every operation, applies the catalogue events among them (branches
// created and dropped, spaces dropped), creates the spaces and branches they
// name that do not exist yet, keeps one operation per address (the newest by
// (hlc, origin)), and commits them with last-writer-wins against what is stored
// (ReplicatedCommit), together with the source's cursor, as one revision.
// Also reads the cursors back. Thread-safe.
#ifndef INFINITEDB_ENGINE_REPLICATION_REPLICATION_APPLIER_H_
#define INFINITEDB_ENGINE_REPLICATION_REPLICATION_APPLIER_H_

#include <optional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/commit/commit_pipeline.h"
#include "engine/public/changes.h"
#include "engine/public/options.h"
#include "engine/replication/catalog_events.h"
#include "engine/replication/derived_writes.h"
#include "engine/replication/replicated_commit.h"
#include "engine/version/version_set.h"

namespace infinitedb::replication {

class ReplicationApplier {
 public:
  // Every pointer must outlive the applier. `derived` (may be null) owns
  // the system spaces whose changes arrive (the graph's edges); `catalog`
  // (may be null) applies the catalogue events that arrive (__catalog).
  ReplicationApplier(const EngineOptions* options,
                     version::VersionSet* versions,
                     commit::CommitPipeline* pipeline,
                     DerivedWrites* derived = nullptr,
                     CatalogEventSink* catalog = nullptr)
      : options_(options),
        versions_(versions),
        pipeline_(pipeline),
        derived_(derived),
        catalog_(catalog) {}

  absl::StatusOr<ReplicationApplyResult> Apply(uint32_t source_node,
                                               Revision source_revision,
                                               std::span<const ChangeOp> ops);
  // The cursor stored for `source_node`: 0 when none.
  absl::StatusOr<Revision> Cursor(uint32_t source_node) const;

 private:
  // Checks the bounds of every op (InvalidArgument / FailedPrecondition
  // naming ops[i]) before anything is created.
  absl::Status CheckOps(std::span<const ChangeOp> ops) const;
  // Checks a system space's op: one that derives others, or a catalogue
  // event.
  absl::Status CheckSystemOp(const ChangeOp& op, size_t index) const;
  // Hands the batch's catalogue events to the sink, in stamp order; then
  // the ops that a known drop removed are left out (counted in `stale`):
  // the ops kept, or nullopt when that is all of them.
  absl::StatusOr<std::optional<std::vector<ChangeOp>>> ReceiveCatalogEvents(
      std::span<const ChangeOp> ops, uint64_t* stale);
  // Checks every op's branch, space and dimensions, then creates the
  // missing branches (from main) and spaces; creates nothing on error.
  absl::Status CreateMissing(std::span<const ChangeOp> ops);
  // The op's space, FailedPrecondition if its dimensions differ.
  absl::StatusOr<manifest::SpaceEntry> SpaceFor(const ChangeOp& op,
                                                size_t index) const;
  // The commit with the cursor for `source_node` and one candidate per
  // address; `stale_in_batch` counts the ops that lost within the batch.
  absl::StatusOr<std::unique_ptr<ReplicatedCommit>> BuildCommit(
      uint32_t source_node, Revision source_revision,
      std::span<const ChangeOp> ops, uint64_t* stale_in_batch);

  const EngineOptions* const options_;
  version::VersionSet* const versions_;
  commit::CommitPipeline* const pipeline_;
  DerivedWrites* const derived_;
  CatalogEventSink* const catalog_;
};

}  // namespace infinitedb::replication

#endif  // INFINITEDB_ENGINE_REPLICATION_REPLICATION_APPLIER_H_
