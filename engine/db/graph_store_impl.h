// The engine's side of graph::GraphStore: record reads through the
// RecordReader, system spaces in the catalogue, and commits that may write
// system spaces through the commit pipeline.
#ifndef INFINITEDB_ENGINE_DB_GRAPH_STORE_IMPL_H_
#define INFINITEDB_ENGINE_DB_GRAPH_STORE_IMPL_H_

#include "engine/commit/commit_pipeline.h"
#include "engine/db/record_reader.h"
#include "engine/graph/graph_store.h"
#include "engine/public/options.h"
#include "engine/version/version_set.h"

namespace infinitedb {

class GraphStoreImpl : public graph::GraphStore {
 public:
  // Every pointer outlives this; `pipeline` may be set after construction.
  GraphStoreImpl(const EngineOptions* options, version::VersionSet* versions,
                 const RecordReader* reader)
      : options_(options), versions_(versions), reader_(reader) {}
  void set_pipeline(commit::CommitPipeline* pipeline) { pipeline_ = pipeline; }

  absl::StatusOr<std::unique_ptr<graph::SpaceSnapshot>> OpenSnapshot(
      const ReadOptions& options, std::string_view space) override;
  absl::StatusOr<std::optional<Record>> Get(const ReadOptions& options,
                                            std::string_view space,
                                            const Point& point) override {
    return reader_->Get(options, space, point);
  }
  absl::StatusOr<std::vector<Record>> History(const ReadOptions& options,
                                              std::string_view space,
                                              const Point& point) override {
    return reader_->History(options, space, point);
  }
  absl::StatusOr<QueryResult> Query(const QueryRequest& request,
                                    RecordVisitor visit) override {
    return reader_->Query(request, visit);
  }
  std::string CursorAfter(Revision revision, int dims,
                          std::string_view key) override;
  absl::StatusOr<SpaceInfo> FindSpace(std::string_view name) override;
  absl::Status CheckBranch(std::string_view branch) override;
  absl::StatusOr<SpaceInfo> EnsureSystemSpace(std::string_view name, int dims,
                                              int ordered_axes) override;
  absl::StatusOr<CommitStamp> Commit(std::string_view branch,
                                     std::span<const MutationView> mutations,
                                     std::string_view field_prefix) override;
  Revision CurrentRevision() override { return versions_->visible_revision(); }

 private:
  const EngineOptions* const options_;
  version::VersionSet* const versions_;
  const RecordReader* const reader_;
  commit::CommitPipeline* pipeline_ = nullptr;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_GRAPH_STORE_IMPL_H_
