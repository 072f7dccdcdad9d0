// Merges of one branch into another, and the life of a merge left in
// progress by its conflicts: listing, resolving, committing, aborting.
//
// A merge that applies is one revision on the target, with preconditions on
// every version it replaces (a write that lands meanwhile makes it plan
// again). With kFailOnConflict and conflicts, nothing is applied: the merge
// state and its conflicts are stored on the target (merge_records.h) until
// CommitMerge applies every resolution, and the source's one-sided changes,
// in one revision, or AbortMerge drops them. One merge per target at a time.
//
// Thread-safe.
#ifndef INFINITEDB_ENGINE_BRANCH_MERGER_H_
#define INFINITEDB_ENGINE_BRANCH_MERGER_H_

#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/branch/branch_store.h"
#include "engine/branch/merge_plan.h"
#include "engine/branch/merge_records.h"
#include "engine/public/branches.h"
#include "engine/version/version_set.h"

namespace infinitedb::branch {

class Merger {
 public:
  // Both outlive the merger.
  Merger(const version::VersionSet* versions, BranchStore* store,
         size_t max_value_bytes)
      : versions_(versions),
        store_(store),
        records_(versions),
        max_value_bytes_(max_value_bytes) {}

  absl::StatusOr<MergeResult> Merge(const MergeRequest& request);
  absl::StatusOr<MergeResult> CommitMerge(std::string_view target);
  absl::Status AbortMerge(std::string_view target);
  absl::Status Resolve(const ResolveRequest& request);
  absl::StatusOr<ConflictPage> Conflicts(std::string_view target,
                                         uint64_t limit,
                                         std::string_view cursor,
                                         ConflictVisitor visit);
  // nullopt when no merge into `target` is in progress.
  absl::StatusOr<std::optional<MergeStatus>> Status(std::string_view target);
  // FailedPrecondition when a merge into or from `branch` is in progress.
  absl::Status CheckNoMergeInvolves(std::string_view branch);
  absl::StatusOr<BranchStatus> StatusOfBranch(std::string_view branch);

 private:
  // Marks `target` busy for the life of the guard; status() is Aborted if
  // another operation holds it.
  class TargetGuard {
   public:
    TargetGuard(Merger* merger, std::string_view target);
    ~TargetGuard();
    absl::Status status() const;

   private:
    Merger* const merger_;
    const std::string target_;
    bool held_ = false;
  };

  absl::StatusOr<uint32_t> BranchId(std::string_view name,
                                    std::string_view field) const;
  absl::StatusOr<MergeResult> MergeOnce(const MergeRequest& request,
                                        uint32_t source_id, uint32_t target_id,
                                        bool* raced);
  absl::StatusOr<MergeResult> CommitOnce(std::string_view target,
                                         uint32_t target_id,
                                         const StoredMergeState& state,
                                         bool* raced);
  absl::Status EnsureMergeSpaces();
  // `conflict` resolved as the request says (checked).
  absl::Status ApplyResolution(const ResolveRequest& request,
                               StoredConflict* conflict) const;
  // The outcome's counts and sample.
  absl::StatusOr<MergeResult> Outcome(const MergeSides& sides,
                                      const MergePlan& plan,
                                      uint64_t conflict_limit) const;

  const version::VersionSet* const versions_;
  BranchStore* const store_;
  const MergeRecordReader records_;
  const size_t max_value_bytes_;

  absl::Mutex mu_;
  absl::flat_hash_set<std::string> busy_ ABSL_GUARDED_BY(mu_);
};

// The public form of a stored conflict (edge versions decoded).
absl::StatusOr<MergeConflict> ToMergeConflict(const StoredConflict& stored);

}  // namespace infinitedb::branch

#endif  // INFINITEDB_ENGINE_BRANCH_MERGER_H_
