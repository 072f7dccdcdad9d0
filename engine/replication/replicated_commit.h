// A batch of replicated changes on its way through the commit pipeline: an
// exclusive commit whose operations are decided by last-writer-wins on
// (hlc, origin) against the newest version of each address stored on the
// op's branch itself (not its parent's, which a branch's writes hide), together
// with the cursor of its source (a write to the system space __replication).
//
// The lookups run on the caller's thread (Resolve, against the visible
// revision before the commit is queued), not on the commit thread, so they
// never hold up local writers. Prepare, on the writing thread, makes the
// decisions final: when nothing was committed since Resolve they stand;
// otherwise only the operations that won are looked up again (a stored
// version only ever gets newer, so one that lost stays lost).
//
// An op on a space with derived data (DerivedWrites: the graph's edges)
// is always looked up, for the version it replaces; when it wins, Prepare
// adds the derived writes (index entries) of the replacement to the commit.
#ifndef INFINITEDB_ENGINE_REPLICATION_REPLICATED_COMMIT_H_
#define INFINITEDB_ENGINE_REPLICATION_REPLICATED_COMMIT_H_

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "engine/commit/commit_pipeline.h"
#include "engine/public/changes.h"
#include "engine/replication/derived_writes.h"
#include "engine/version/version_set.h"

namespace infinitedb::replication {

class ReplicatedCommit : public commit::ExclusiveCommit {
 public:
  struct Candidate {
    const ChangeOp* op = nullptr;
    uint32_t branch_id = 0;
    manifest::SpaceEntry space;
    std::string hilbert_key;
    bool lost = false;               // to a stored version, as of `resolved_at`
    bool derives = false;            // its space has derived data
    std::optional<Record> replaced;  // for `derives`: the newest stored
  };

  explicit ReplicatedCommit(const version::VersionSet* versions)
      : versions_(versions) {
    frame_type = wal::kReplicatedCommit;
  }

  // One per address, sorted by (branch, space, Hilbert key).
  std::vector<Candidate> candidates;
  uint32_t main_branch_id = 0;
  uint32_t cursor_space_id = 0;
  Point cursor_point;
  std::string cursor_value;
  std::string cursor_hilbert_key;
  // Operations that lost to a newer or equal stored version, and that won
  // (filled by Prepare).
  uint64_t stale = 0;
  uint64_t applied = 0;
  // Derives the writes of candidates with `derives` (may be null when none).
  const DerivedWrites* derived = nullptr;

  // Decides every candidate against the visible revision. `hlc` is read
  // after that revision: every stamp up to it was made or observed before,
  // so a candidate above hlc.Last() wins without a lookup. Call it before
  // the clock observes this batch.
  absl::Status Resolve(HlcClock& hlc);
  // Keeps the candidates that win against everything committed before, adds
  // the cursor and encodes the commit.
  absl::Status Prepare(const commit::WriterView& writer) override;

 private:
  class NewestLookup;
  static absl::Status DecideDerived(NewestLookup& lookup, Candidate& candidate);
  void AddCursor();
  // Adds the derived writes of a winning candidate.
  absl::Status AddDerived(const Candidate& candidate);
  void Encode();

  // What the derived ops point to.
  std::deque<DerivedOp> derived_ops_;

  Revision resolved_at_ = 0;

  const version::VersionSet* const versions_;
};

}  // namespace infinitedb::replication

#endif  // INFINITEDB_ENGINE_REPLICATION_REPLICATED_COMMIT_H_
