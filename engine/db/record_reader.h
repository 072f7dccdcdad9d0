// The read half of the engine: Get, History, Query and Count, each against
// one snapshot of the version set, with query planning and resume cursors.
// Thread-safe.
#ifndef INFINITEDB_ENGINE_DB_RECORD_READER_H_
#define INFINITEDB_ENGINE_DB_RECORD_READER_H_

#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/engine.h"
#include "engine/version/version_set.h"

namespace infinitedb {

class RecordReader {
 public:
  explicit RecordReader(const version::VersionSet* versions)
      : versions_(versions) {}

  absl::StatusOr<std::optional<Record>> Get(const ReadOptions& options,
                                            std::string_view space,
                                            const Point& point) const;
  absl::StatusOr<std::vector<Record>> History(const ReadOptions& options,
                                              std::string_view space,
                                              const Point& point) const;
  absl::StatusOr<QueryResult> Query(const QueryRequest& request,
                                    RecordVisitor visit) const;

 private:
  // A snapshot of `space` for reading `point`, whose dimensions it checks.
  absl::StatusOr<version::Snapshot> SnapshotOfPoint(const ReadOptions& options,
                                                    std::string_view space,
                                                    const Point& point) const;

  const version::VersionSet* const versions_;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_RECORD_READER_H_
