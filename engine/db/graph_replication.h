// The graph's side of replication: edges arrive in the change stream as
// ops on __graph.edges, and this server derives their index entries itself
// (replication::DerivedWrites): it checks that an arriving edge decodes and
// fits the spaces here, creates the spaces its entries need (and a missing
// endpoint space, as the applier does for records), and, for an edge that
// wins last-writer-wins, deletes the entries of the version it replaces and
// puts those of the new one in the same commit.
#ifndef INFINITEDB_ENGINE_DB_GRAPH_REPLICATION_H_
#define INFINITEDB_ENGINE_DB_GRAPH_REPLICATION_H_

#include <functional>

#include "engine/graph/graph_cache.h"
#include "engine/graph/graph_store.h"
#include "engine/public/graph.h"
#include "engine/replication/derived_writes.h"
#include "engine/version/version_set.h"

namespace infinitedb {

class GraphReplication : public replication::DerivedWrites {
 public:
  GraphReplication(version::VersionSet* versions, graph::GraphStore* store)
      : versions_(versions), store_(store) {}

  // Told of every edge id that arrives (the graph's id allocator moves past
  // this server's own).
  void set_id_observer(std::function<absl::Status(EdgeId)> observe) {
    observe_id_ = std::move(observe);
  }
  // The graph's cache, which replicated edges invalidate.
  void set_cache(graph::GraphCache* cache) { cache_ = cache; }

  bool Derives(std::string_view space) const override {
    return space == kGraphEdgesSpace;
  }
  absl::Status Check(const ChangeOp& op, std::string_view field) const override;
  absl::Status CreateSpaces(const ChangeOp& op) override;
  absl::Status Derive(const ChangeOp& op, const std::optional<Record>& replaced,
                      std::vector<replication::DerivedOp>* out) const override;
  void CommitStarting() override {
    if (cache_ != nullptr) cache_->BeginWriteAll();
  }
  void CommitEnded() override {
    if (cache_ != nullptr) cache_->EndWriteAll(versions_->visible_revision());
  }

 private:
  version::VersionSet* const versions_;
  graph::GraphStore* const store_;
  std::function<absl::Status(EdgeId)> observe_id_;
  graph::GraphCache* cache_ = nullptr;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_GRAPH_REPLICATION_H_
