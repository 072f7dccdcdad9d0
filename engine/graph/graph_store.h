// What the graph needs from the engine beneath it: record reads and queries
// (on the graph's own system spaces too), the creation of those spaces, and
// one commit of record mutations that may name system spaces. The engine
// facade (engine/db) implements it; the graph layer sees nothing else of
// the engine.
#ifndef INFINITEDB_ENGINE_GRAPH_GRAPH_STORE_H_
#define INFINITEDB_ENGINE_GRAPH_GRAPH_STORE_H_

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/reads.h"
#include "engine/public/types.h"

namespace infinitedb::graph {

// Reads of one space at one branch and revision through one pinned
// snapshot: what walks use for their many lookups. Used by one thread.
class SpaceSnapshot {
 public:
  virtual ~SpaceSnapshot() = default;
  // The live version at `point` (which has the space's dimensions).
  virtual absl::StatusOr<std::optional<Record>> Get(const Point& point) = 0;
  // The live records whose points lie in `box`, in key order; `visit`
  // returns false to stop.
  virtual absl::Status Scan(const Box& box, RecordVisitor visit) = 0;
};

class GraphStore {
 public:
  virtual ~GraphStore() = default;

  // NotFound when the space or the branch does not exist.
  virtual absl::StatusOr<std::unique_ptr<SpaceSnapshot>> OpenSnapshot(
      const ReadOptions& options, std::string_view space) = 0;

  virtual absl::StatusOr<std::optional<Record>> Get(const ReadOptions& options,
                                                    std::string_view space,
                                                    const Point& point) = 0;
  virtual absl::StatusOr<std::vector<Record>> History(
      const ReadOptions& options, std::string_view space,
      const Point& point) = 0;
  // As Engine::Query: a visitor returning false stops the query.
  virtual absl::StatusOr<QueryResult> Query(const QueryRequest& request,
                                            RecordVisitor visit) = 0;
  // A cursor that resumes a query of `space` at `revision` right after the
  // record whose internal key (RecordView::key) is `key`.
  virtual std::string CursorAfter(Revision revision, int dims,
                                  std::string_view key) = 0;

  virtual absl::StatusOr<SpaceInfo> FindSpace(std::string_view name) = 0;
  // NotFound naming the branch unless it exists.
  virtual absl::Status CheckBranch(std::string_view branch) = 0;
  // Creates system space `name` unless it exists; either way returns it.
  // The last `ordered_axes` axes order its keys by value.
  virtual absl::StatusOr<SpaceInfo> EnsureSystemSpace(std::string_view name,
                                                      int dims,
                                                      int ordered_axes) = 0;
  // One commit; mutations may name system spaces. Errors name the fields
  // with `field_prefix` ("records[2].point").
  virtual absl::StatusOr<CommitStamp> Commit(
      std::string_view branch, std::span<const MutationView> mutations,
      std::string_view field_prefix) = 0;
  virtual Revision CurrentRevision() = 0;
};

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_GRAPH_STORE_H_
