// The vocabulary of branch work: diffs between two branches or two
// revisions, three-way merges with their strategies, the conflicts a merge
// records (and their resolutions), and the status of a branch against its
// parent. Engine (engine.h) has the methods that take them.
//
// A diff compares, per record address and per edge id, the newest live
// version on each side. A merge of `source` into `target` compares three
// sides: the merge base (where the two last agreed: the fork, or the last
// merge between them), ours (the target now) and theirs (the source now).
#ifndef INFINITEDB_ENGINE_PUBLIC_BRANCHES_H_
#define INFINITEDB_ENGINE_PUBLIC_BRANCHES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "engine/public/graph.h"
#include "engine/public/types.h"

namespace infinitedb {

// One side of a diff: a branch as of a revision (0 = its newest).
struct BranchAt {
  std::string branch = kMainBranch;
  Revision as_of = 0;
};

struct DiffRequest {
  BranchAt from;  // the old side
  BranchAt to;    // the new side
  // Empty: every space and the graph's edges. Else only this space's
  // records, inside `box` when one is given.
  std::string space;
  std::optional<Box> box;
  uint64_t limit = 0;  // 0 = no limit
  std::string cursor;  // from DiffPage::next_cursor
};

enum class ChangeKind { kAdded, kModified, kRemoved };

// One address (or edge) whose live versions differ between the sides.
struct DiffEntry {
  ChangeKind kind = ChangeKind::kModified;
  bool is_edge = false;
  // A record's address; for an edge the space is empty and the id is set.
  std::string space;
  Point point;
  EdgeId edge_id = 0;
  // The live versions (absent when there is none on that side).
  std::optional<Record> before;
  std::optional<Record> after;
  std::optional<Edge> before_edge;
  std::optional<Edge> after_edge;
};

using DiffVisitor = absl::FunctionRef<bool(const DiffEntry&)>;

struct DiffPage {
  Revision from_revision = 0;  // the revisions read (pinned by the cursor)
  Revision to_revision = 0;
  uint64_t count = 0;
  std::string next_cursor;  // empty when the diff is complete
};

enum class MergeStrategy {
  kFailOnConflict,  // apply nothing when there are conflicts; record them
  kPreferTarget,    // a conflict keeps the target's version
  kPreferSource,    // a conflict takes the source's version
};

enum class ConflictKind {
  kBothModified,     // both changed the base's version, differently
  kBothAdded,        // both added it, differently
  kDeletedInTarget,  // the target deleted it, the source modified it
  kDeletedInSource,  // the source deleted it, the target modified it
};

enum class Resolution {
  kUnresolved,
  kOurs,    // keep the target's version
  kTheirs,  // take the source's version
  kValue,   // a given value (a record's bytes, or an edge)
  kDelete,  // delete it on the target
};

// One conflict of a merge in progress, as stored. The sides are absent
// where that side has no live version.
struct MergeConflict {
  uint64_t id = 0;  // unique within the merge
  ConflictKind kind = ConflictKind::kBothModified;
  bool is_edge = false;
  std::string space;
  Point point;
  EdgeId edge_id = 0;
  std::optional<Record> base, ours, theirs;
  std::optional<Edge> base_edge, ours_edge, theirs_edge;
  Resolution resolution = Resolution::kUnresolved;
  std::string resolved_value;         // kValue on a record
  std::optional<Edge> resolved_edge;  // kValue on an edge
};

struct MergeRequest {
  std::string source;
  std::string target = kMainBranch;
  MergeStrategy strategy = MergeStrategy::kFailOnConflict;
  // Only report what would happen; change nothing.
  bool dry_run = false;
  // Most conflicts to return in MergeResult::conflicts (all are counted).
  uint64_t conflict_limit = 100;
};

struct MergeResult {
  BranchAt base;                 // the merge base used
  Revision ours_revision = 0;    // the target revision compared
  Revision theirs_revision = 0;  // the source revision merged
  // The target had not changed since the base: the merge takes the
  // source's changes as they are.
  bool fast_forward = false;
  uint64_t taken = 0;      // addresses and edges taken from the source
  uint64_t unchanged = 0;  // changed on both sides to the same version
  uint64_t conflicts = 0;  // conflicting addresses and edges
  std::vector<MergeConflict> conflict_sample;  // up to conflict_limit
  // The merge's revision on the target, when it wrote (0 for a dry run, a
  // merge with nothing to take, or a merge left in progress).
  CommitStamp stamp;
  // Conflicts were recorded (strategy kFailOnConflict): the merge waits for
  // resolutions, then CommitMerge, or AbortMerge.
  bool in_progress = false;
  // Live edges on the target after the merge with an endpoint that has no
  // live record there (an endpoint deleted on the other side).
  std::vector<EdgeId> dangling_edges;
};

// What a merge in progress on a target is.
struct MergeStatus {
  std::string source;
  std::string target;
  BranchAt base;
  Revision theirs_revision = 0;
  uint64_t conflicts = 0;
  uint64_t unresolved = 0;
};

struct ResolveRequest {
  std::string target = kMainBranch;
  // The conflict: by id, or (id 0) by address: space and point for a
  // record, edge_id for an edge.
  uint64_t conflict_id = 0;
  // Or every unresolved conflict at once (kOurs, kTheirs or kDelete).
  bool all = false;
  std::string space;
  Point point;
  EdgeId edge_id = 0;
  Resolution resolution = Resolution::kOurs;
  std::string value;         // kValue on a record
  std::optional<Edge> edge;  // kValue on an edge (its id is the conflict's)
};

using ConflictVisitor = absl::FunctionRef<bool(const MergeConflict&)>;

struct ConflictPage {
  uint64_t count = 0;
  std::string next_cursor;  // empty when complete
};

// A branch against its parent since their merge base.
struct BranchStatus {
  BranchInfo info;
  BranchAt base;                   // where it and its parent last agreed
  uint64_t changed_on_branch = 0;  // addresses and edges changed since base
  uint64_t changed_on_parent = 0;
  bool merge_in_progress = false;  // as a merge's target
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_BRANCHES_H_
