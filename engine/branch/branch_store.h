// What branch work needs from the engine beyond the version set: its system
// spaces, one commit of records and edges on a branch together with
// mutations of system spaces, and the dangling edges a merge leaves. The
// engine facade (engine/db) implements it.
#ifndef INFINITEDB_ENGINE_BRANCH_BRANCH_STORE_H_
#define INFINITEDB_ENGINE_BRANCH_BRANCH_STORE_H_

#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/graph.h"
#include "engine/public/types.h"

namespace infinitedb::branch {

class BranchStore {
 public:
  virtual ~BranchStore() = default;

  // Creates system space `name` unless it exists (every axis ordered).
  virtual absl::Status EnsureSystemSpace(std::string_view name, int dims) = 0;
  // One commit on `branch`: `batch` (validated as any write, but edges may
  // have endpoints without records) and the `system` mutations; either may
  // be empty, not both. FailedPrecondition when a precondition fails.
  virtual absl::StatusOr<CommitStamp> Write(
      std::string_view branch, const WriteBatch& batch,
      std::span<const MutationView> system) = 0;
  // Of `edges` and of the live edges incident to `nodes`, the live ones on
  // `branch` now with an endpoint that has no live record, in id order.
  virtual absl::StatusOr<std::vector<EdgeId>> DanglingAmong(
      std::string_view branch, const std::vector<EdgeId>& edges,
      const std::vector<NodeRef>& nodes) = 0;
};

}  // namespace infinitedb::branch

#endif  // INFINITEDB_ENGINE_BRANCH_BRANCH_STORE_H_
