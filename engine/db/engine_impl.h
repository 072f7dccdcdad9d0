// The engine facade's implementation: wires the catalogue, the group
// committer over the WAL, the memtable and the snapshot reader together.
#ifndef INFINITEDB_ENGINE_DB_ENGINE_IMPL_H_
#define INFINITEDB_ENGINE_DB_ENGINE_IMPL_H_

#include <atomic>
#include <memory>

#include "engine/db/catalog.h"
#include "engine/db/engine.h"
#include "engine/db/hlc_clock.h"
#include "engine/db/write_path.h"
#include "engine/io/file.h"
#include "engine/mvcc/memtable.h"
#include "engine/mvcc/snapshot_reader.h"
#include "engine/wal/group_commit.h"
#include "engine/wal/wal_recovery.h"

namespace infinitedb {

class EngineImpl : public Engine {
 public:
  static absl::StatusOr<std::unique_ptr<EngineImpl>> Open(
      const EngineOptions& options);
  ~EngineImpl() override;

  absl::StatusOr<SpaceInfo> CreateSpace(std::string_view name,
                                        int dims) override;
  absl::StatusOr<SpaceInfo> GetSpace(std::string_view name) override;
  std::vector<SpaceInfo> ListSpaces() override;
  absl::Status DropSpace(std::string_view name) override;
  absl::StatusOr<BranchInfo> CreateBranch(std::string_view name,
                                          std::string_view parent) override;
  std::vector<BranchInfo> ListBranches() override;

  absl::StatusOr<CommitStamp> Put(std::string_view branch,
                                  std::string_view space, const Point& point,
                                  std::string_view value) override;
  absl::StatusOr<CommitStamp> Delete(std::string_view branch,
                                     std::string_view space,
                                     const Point& point) override;
  absl::StatusOr<CommitStamp> Batch(
      std::string_view branch, const std::vector<Mutation>& mutations) override;

  absl::StatusOr<std::optional<Record>> Get(const ReadOptions& options,
                                            std::string_view space,
                                            const Point& point) override;
  absl::StatusOr<std::vector<Record>> History(const ReadOptions& options,
                                              std::string_view space,
                                              const Point& point) override;
  absl::Status Scan(const ReadOptions& options, std::string_view space,
                    RecordVisitor visit) override;
  absl::Status Query(const ReadOptions& options, std::string_view space,
                     const Box& box, RecordVisitor visit) override;
  Revision CurrentRevision() override {
    return visible_revision_.load(std::memory_order_acquire);
  }
  EngineStats Stats() override;

 private:
  EngineImpl(const EngineOptions& options, io::File lock,
             std::unique_ptr<Catalog> catalog);
  absl::Status Recover();
  absl::StatusOr<CommitStamp> Commit(std::string_view branch,
                                     std::span<const MutationRef> mutations,
                                     std::string_view field_prefix);
  void Apply(const PreparedCommit& commit);
  // A reader pinned to one snapshot of `space` on the requested branch.
  absl::StatusOr<mvcc::SnapshotReader> NewReader(const ReadOptions& options,
                                                 std::string_view space,
                                                 int* dims);

  // Constant after construction.
  const EngineOptions options_;
  io::File lock_;
  std::unique_ptr<Catalog> catalog_;
  HlcClock hlc_;
  // The memtable; replaced (never mutated in place) when sealing arrives.
  std::shared_ptr<mvcc::MemTable> memtable_;

  // Owned by the commit thread after Open.
  Revision last_revision_ = 0;
  std::atomic<Revision> visible_revision_{0};

  std::unique_ptr<wal::GroupCommitter> committer_;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_ENGINE_IMPL_H_
