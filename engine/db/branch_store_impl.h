// The engine's side of branch::BranchStore: system spaces and commits
// through the graph store, merge writes through graph::Graph (records and
// edges in one revision with the merge's own records), and the dangling
// edges a merge leaves, from graph reads.
#ifndef INFINITEDB_ENGINE_DB_BRANCH_STORE_IMPL_H_
#define INFINITEDB_ENGINE_DB_BRANCH_STORE_IMPL_H_

#include "engine/branch/branch_store.h"
#include "engine/db/graph_store_impl.h"
#include "engine/graph/graph.h"

namespace infinitedb {

class BranchStoreImpl : public branch::BranchStore {
 public:
  // Both outlive this; `graph` may be set after construction.
  explicit BranchStoreImpl(GraphStoreImpl* graph_store)
      : graph_store_(graph_store) {}
  void set_graph(graph::Graph* graph) { graph_ = graph; }

  absl::Status EnsureSystemSpace(std::string_view name, int dims) override {
    return graph_store_->EnsureSystemSpace(name, dims, dims).status();
  }
  absl::StatusOr<CommitStamp> Write(
      std::string_view branch, const WriteBatch& batch,
      std::span<const MutationView> system) override;
  absl::StatusOr<std::vector<EdgeId>> DanglingAmong(
      std::string_view branch, const std::vector<EdgeId>& edges,
      const std::vector<NodeRef>& nodes) override;

 private:
  GraphStoreImpl* const graph_store_;
  graph::Graph* graph_ = nullptr;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_BRANCH_STORE_IMPL_H_
