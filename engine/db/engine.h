// The engine's public API: open a data directory, manage spaces and
// branches, write records (each commit one revision), and read them exactly
// as of any revision. This header and types.h/options.h are all a user of
// the engine needs.
//
// Thread-safety: every method may be called from any number of threads at
// once. A read runs against one snapshot: it sees exactly the commits up to
// one revision. Errors name the offending field ("point: ...").
#ifndef INFINITEDB_ENGINE_DB_ENGINE_H_
#define INFINITEDB_ENGINE_DB_ENGINE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/db/options.h"
#include "engine/db/types.h"

namespace infinitedb {

struct ReadOptions {
  std::string branch = kMainBranch;
  // Read as of this revision; 0 = the newest. A revision beyond the newest
  // is OutOfRange (its contents are not decided yet).
  Revision as_of = 0;
};

// Counters for monitoring; each figure is read at one moment, not all at
// the same one.
struct EngineStats {
  Revision revision = 0;           // newest visible revision
  uint64_t memtable_bytes = 0;     // memory held by in-memory tables
  uint64_t wal_group_writes = 0;   // WAL writes since open (one fdatasync each
                                   // in sync mode)
  uint64_t wal_commits = 0;        // commits acknowledged since open
  uint64_t wal_bytes_written = 0;  // WAL bytes written since open
};

class Engine {
 public:
  // Opens or creates the database in options.data_dir, replaying its WAL.
  // Fails with DataLoss (naming file and offset) on corruption other than a
  // torn tail, and with FailedPrecondition if another process holds it.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(
      const EngineOptions& options);

  // Closing waits for in-flight commits and makes the WAL durable.
  virtual ~Engine() = default;

  // Spaces: named datasets with a fixed number of dimensions (1..16).
  virtual absl::StatusOr<SpaceInfo> CreateSpace(std::string_view name,
                                                int dims) = 0;
  virtual absl::StatusOr<SpaceInfo> GetSpace(std::string_view name) = 0;
  virtual std::vector<SpaceInfo> ListSpaces() = 0;
  // Drops the space and all its records on every branch.
  virtual absl::Status DropSpace(std::string_view name) = 0;

  // Branches: `main` always exists. A new branch sees `parent` as of the
  // parent's current revision, plus its own writes.
  virtual absl::StatusOr<BranchInfo> CreateBranch(std::string_view name,
                                                  std::string_view parent) = 0;
  virtual std::vector<BranchInfo> ListBranches() = 0;

  // Writes. Each returns once the commit is acknowledged (durable in sync
  // mode) and visible to reads, with its revision and HLC.
  virtual absl::StatusOr<CommitStamp> Put(std::string_view branch,
                                          std::string_view space,
                                          const Point& point,
                                          std::string_view value) = 0;
  virtual absl::StatusOr<CommitStamp> Delete(std::string_view branch,
                                             std::string_view space,
                                             const Point& point) = 0;
  // All mutations or none, as one revision. When several mutations name the
  // same address, the last one wins.
  virtual absl::StatusOr<CommitStamp> Batch(
      std::string_view branch, const std::vector<Mutation>& mutations) = 0;

  // Reads. nullopt when the address has no version at as_of or its newest
  // one is a tombstone.
  virtual absl::StatusOr<std::optional<Record>> Get(const ReadOptions& options,
                                                    std::string_view space,
                                                    const Point& point) = 0;
  // Every version of the address up to as_of, newest first, tombstones
  // included (Record::deleted).
  virtual absl::StatusOr<std::vector<Record>> History(
      const ReadOptions& options, std::string_view space,
      const Point& point) = 0;
  // Every live record of the space, in Hilbert order.
  virtual absl::Status Scan(const ReadOptions& options, std::string_view space,
                            RecordVisitor visit) = 0;
  // Every live record inside the inclusive box, in Hilbert order.
  virtual absl::Status Query(const ReadOptions& options, std::string_view space,
                             const Box& box, RecordVisitor visit) = 0;

  // The newest visible revision.
  virtual Revision CurrentRevision() = 0;

  virtual EngineStats Stats() = 0;
};

// Collects a scan or query into records (convenience for small results).
absl::StatusOr<std::vector<Record>> ScanAll(Engine& engine,
                                            const ReadOptions& options,
                                            std::string_view space);
absl::StatusOr<std::vector<Record>> QueryAll(Engine& engine,
                                             const ReadOptions& options,
                                             std::string_view space,
                                             const Box& box);

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_ENGINE_H_
