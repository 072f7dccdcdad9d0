// Turns user mutations into a commit ready for the group committer:
// validates every field (space exists, point has the space's dimensions,
// value within the limit, batch bounds), computes Hilbert keys, sorts the
// operations by address and collapses repeated addresses (last wins), and
// encodes the WAL operations. Nothing is
// written when validation fails.
#ifndef INFINITEDB_ENGINE_COMMIT_PREPARED_COMMIT_H_
#define INFINITEDB_ENGINE_COMMIT_PREPARED_COMMIT_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/options.h"
#include "engine/public/types.h"
#include "engine/version/version_set.h"
#include "engine/wal/group_commit.h"

namespace infinitedb {

// A validated commit: the encoded WAL operations plus what the memtable
// needs to apply them. A commit with preconditions (Mutation::if_revision)
// is exclusive: Prepare() checks them on the writing thread, against every
// earlier commit and no later one, and fails the commit when one does not
// hold.
struct PreparedCommit : wal::PendingCommit {
  struct Condition {
    std::string field;  // names the mutation in errors
    manifest::SpaceEntry space;
    Point point;
    Revision expected = 0;  // 0: no live version
  };
  struct Op {
    uint32_t branch_id = 0;
    uint32_t space_id = 0;
    const Point* point = nullptr;
    std::string hilbert_key;
    bool deleted = false;
    std::string_view value;
    // The stamp's hlc and origin: the commit's own, or for replicated
    // changes the one they were made with.
    uint64_t hlc = 0;
    uint32_t origin = 0;
    // A write to a system space (a replication cursor): never compared by
    // last-writer-wins.
    bool system = false;
  };
  std::vector<Op> ops;
  std::string branch;  // its name (for preconditions)
  std::vector<Condition> conditions;
  const version::VersionSet* versions = nullptr;

  absl::Status Prepare() override;
};

// `field_prefix` names the mutations in errors: "" for a single put or
// delete ("point: ..."), "mutations" for a batch ("mutations[3].point: ...").
// Writes to system spaces are refused unless `allow_system_spaces` (the
// graph writes its edges and indexes there).
absl::StatusOr<std::unique_ptr<PreparedCommit>> PrepareCommit(
    const version::VersionSet& versions, const EngineOptions& options,
    std::string_view branch, std::span<const MutationView> mutations,
    std::string_view field_prefix, bool allow_system_spaces = false);

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_COMMIT_PREPARED_COMMIT_H_
