// Turns a merge's decisions into one write on the target: the changes it
// takes from the source and the resolutions of its conflicts, each with a
// precondition on the target's version it replaces.
#ifndef INFINITEDB_ENGINE_BRANCH_MERGE_APPLY_H_
#define INFINITEDB_ENGINE_BRANCH_MERGE_APPLY_H_

#include <vector>

#include "absl/status/status.h"
#include "engine/branch/merge_plan.h"
#include "engine/public/graph.h"

namespace infinitedb::branch {

struct MergeWrite {
  WriteBatch batch;
  // What to look at for dangling edges once written.
  std::vector<EdgeId> edges_put;
  std::vector<NodeRef> records_deleted;

  bool empty() const { return batch.records.empty() && batch.edges.empty(); }
};

// Writes the source's version (a put, or a delete when it has none).
absl::Status AddTaken(const TakenChange& change, MergeWrite* write);

// Writes what a resolved conflict's resolution says (nothing for kOurs).
absl::Status AddResolution(const StoredConflict& conflict, MergeWrite* write);

}  // namespace infinitedb::branch

#endif  // INFINITEDB_ENGINE_BRANCH_MERGE_APPLY_H_
