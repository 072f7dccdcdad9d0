#include "engine/replication/change_stream.h"

#include <optional>

#include "engine/wal/wal_change_reader.h"

namespace infinitedb::replication {
namespace {

// Turns WAL commits into change sets with names.
void AppendChangeSets(const manifest::CatalogState& catalog,
                      std::vector<wal::WalCommit>& commits,
                      std::vector<ChangeSet>* changes) {
  for (wal::WalCommit& commit : commits) {
    ChangeSet change;
    change.revision = commit.stamp.revision;
    for (wal::WalOp& op : commit.ops) {
      auto space = catalog.spaces.find(op.space_id);
      auto branch = catalog.branches.find(op.branch_id);
      // Dropped spaces and the engine's own spaces (but edges) are not
      // streamed.
      if (space == catalog.spaces.end() || branch == catalog.branches.end() ||
          !IsStreamedSpace(space->second.name)) {
        continue;
      }
      change.ops.push_back({branch->second.name, space->second.name,
                            std::move(op.point), op.kind == wal::kDeleteOp,
                            std::move(op.value), op.hlc, op.origin});
    }
    if (!change.ops.empty()) changes->push_back(std::move(change));
  }
}

}  // namespace

absl::StatusOr<ChangeBatch> ReadChanges(const version::VersionSet& versions,
                                        const wal::WalSegmentSet& wal_segments,
                                        const ChangeCursor& from,
                                        size_t max_bytes) {
  const Revision visible = versions.visible_revision();
  std::optional<manifest::CatalogState> catalog;  // copied once, if needed
  ChangeBatch batch;
  batch.next = from;
  // Commits that hold only system operations (replication cursors) yield
  // no change set: read on until one does or the log is exhausted.
  while (batch.changes.empty() && batch.next.after < visible) {
    absl::StatusOr<wal::ChangeLogBatch> read = wal::ReadChangeLog(
        wal_segments,
        {batch.next.after, batch.next.wal_segment, batch.next.wal_offset},
        visible, max_bytes);
    if (!read.ok()) return read.status();
    if (read->next.after == batch.next.after) break;  // no progress
    batch.next = {read->next.after, read->next.segment, read->next.offset};
    if (read->commits.empty()) continue;
    if (!catalog) catalog = versions.catalog().State();
    AppendChangeSets(*catalog, read->commits, &batch.changes);
  }
  return batch;
}

}  // namespace infinitedb::replication
