#include "engine/replication/replicated_commit.h"

#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include "engine/mvcc/point_key.h"
#include "engine/wal/wal_format.h"

namespace infinitedb::replication {
namespace {

// (hlc, origin): the order last-writer-wins decides by.
std::tuple<uint64_t, uint32_t> WriterOrder(uint64_t hlc, uint32_t origin) {
  return {hlc, origin};
}

}  // namespace

void ReplicatedCommit::AddCursor() {
  PreparedCommit::Op cursor;
  cursor.branch_id = main_branch_id;
  cursor.space_id = cursor_space_id;
  cursor.point = &cursor_point;
  cursor.hilbert_key = cursor_hilbert_key;
  cursor.value = cursor_value;
  cursor.hlc = stamp.hlc;
  cursor.origin = stamp.origin;
  cursor.system = true;
  ops.push_back(std::move(cursor));
}

// The newest stored version of addresses at one revision, with one reader
// per (branch, space, levels read).
class ReplicatedCommit::NewestLookup {
 public:
  NewestLookup(const version::VersionSet* versions, Revision read_at)
      : versions_(versions), read_at_(read_at), state_(versions->Pin()) {}

  // Whether a version the op's branch itself stores is at least as new as
  // the candidate's op. Its parent's versions are not compared: a write to a
  // branch is stamped after its fork (the fork's stamp reached the writer
  // first), so it hides them wherever it arrives.
  absl::StatusOr<bool> Loses(const Candidate& candidate) {
    absl::StatusOr<std::optional<Record>> own = Newest(candidate, true);
    if (!own.ok()) return own.status();
    return StoredWins(candidate, *own);
  }

  static bool StoredWins(const Candidate& candidate,
                         const std::optional<Record>& newest) {
    return newest.has_value() &&
           WriterOrder(newest->stamp.hlc, newest->stamp.origin) >=
               WriterOrder(candidate.op->hlc, candidate.op->origin);
  }

  // The newest stored version of the candidate's address, tombstones too:
  // the one the branch reads, or with `own_only` the branch's own.
  absl::StatusOr<std::optional<Record>> Newest(const Candidate& candidate,
                                               bool own_only) {
    const ChangeOp& op = *candidate.op;
    std::unique_ptr<mvcc::SnapshotReader>& reader =
        readers_[{candidate.branch_id, candidate.space.id, own_only}];
    if (reader == nullptr) {
      absl::StatusOr<std::vector<mvcc::BranchLevel>> chain =
          versions_->catalog().BranchChain(op.branch, read_at_);
      if (!chain.ok()) return chain.status();
      if (own_only) chain->resize(1);
      reader = std::make_unique<mvcc::SnapshotReader>(
          SourcesFor(state_, candidate.space.id), std::move(*chain),
          candidate.space.id, candidate.space.dims);
    }
    return reader->Newest(op.point);
  }

 private:
  const version::VersionSet* const versions_;
  const Revision read_at_;
  const std::shared_ptr<const ReadState> state_;
  std::map<std::tuple<uint32_t, uint32_t, bool>,
           std::unique_ptr<mvcc::SnapshotReader>>
      readers_;
};

// Decides a candidate with derived data: the version it replaces is the
// one its branch reads; it loses to the branch's own newer version.
absl::Status ReplicatedCommit::DecideDerived(NewestLookup& lookup,
                                             Candidate& candidate) {
  absl::StatusOr<std::optional<Record>> newest =
      lookup.Newest(candidate, false);
  if (!newest.ok()) return newest.status();
  candidate.replaced = std::move(*newest);
  absl::StatusOr<bool> lost = lookup.Loses(candidate);
  if (!lost.ok()) return lost.status();
  candidate.lost = *lost;
  return absl::OkStatus();
}

absl::Status ReplicatedCommit::Resolve(HlcClock& hlc) {
  // Read the revision before pinning: the sources hold every commit up to it.
  resolved_at_ = versions_->visible_revision();
  // ... and the clock after the revision: no stamp of a commit up to it is
  // above this.
  const uint64_t hlc_bound = hlc.Last();
  NewestLookup lookup(versions_, resolved_at_);
  for (Candidate& candidate : candidates) {
    candidate.lost = false;
    if (candidate.derives) {
      if (absl::Status s = DecideDerived(lookup, candidate); !s.ok()) return s;
      continue;
    }
    if (candidate.op->hlc > hlc_bound) continue;  // newer than anything stored
    absl::StatusOr<bool> lost = lookup.Loses(candidate);
    if (!lost.ok()) return lost.status();
    candidate.lost = *lost;
  }
  return absl::OkStatus();
}

absl::Status ReplicatedCommit::Prepare(const commit::WriterView& writer) {
  // Every earlier commit is applied (an exclusive commit has a group of its
  // own) and no later one is: the decisions below are final.
  const Revision read_at = stamp.revision - 1;
  const bool changed_since_resolve = read_at != resolved_at_;
  std::optional<NewestLookup> lookup;
  if (changed_since_resolve) lookup.emplace(versions_, read_at);
  ops.clear();
  ops.reserve(candidates.size() + 1);
  derived_ops_.clear();
  stale = 0;
  applied = 0;
  bool cursor_added = false;
  for (Candidate& candidate : candidates) {
    if (!cursor_added &&
        std::tie(main_branch_id, cursor_space_id) <
            std::tie(candidate.branch_id, candidate.space.id)) {
      AddCursor();
      cursor_added = true;
    }
    const ChangeOp& op = *candidate.op;
    bool lost = candidate.lost;
    if (candidate.derives && changed_since_resolve) {
      // The version it replaces may have changed too.
      if (absl::Status s = DecideDerived(*lookup, candidate); !s.ok()) return s;
      lost = candidate.lost;
    } else if (!lost && changed_since_resolve &&
               op.hlc <= writer.max_stored_hlc) {
      // Only a commit since Resolve can beat a candidate that won then.
      absl::StatusOr<bool> loses = lookup->Loses(candidate);
      if (!loses.ok()) return loses.status();
      lost = *loses;
    }
    if (lost) {
      ++stale;
      continue;
    }
    PreparedCommit::Op prepared;
    prepared.branch_id = candidate.branch_id;
    prepared.space_id = candidate.space.id;
    prepared.point = &op.point;
    prepared.hilbert_key = candidate.hilbert_key;
    prepared.deleted = op.deleted;
    prepared.value = op.deleted ? std::string_view() : op.value;
    prepared.hlc = op.hlc;
    prepared.origin = op.origin;
    ops.push_back(std::move(prepared));
    ++applied;
    if (candidate.derives) {
      if (absl::Status s = AddDerived(candidate); !s.ok()) return s;
    }
  }
  if (!cursor_added) AddCursor();
  Encode();
  return absl::OkStatus();
}

absl::Status ReplicatedCommit::AddDerived(const Candidate& candidate) {
  std::vector<DerivedOp> derived_writes;
  absl::Status status =
      derived->Derive(*candidate.op, candidate.replaced, &derived_writes);
  if (!status.ok()) return status;
  for (DerivedOp& write : derived_writes) {
    absl::StatusOr<manifest::SpaceEntry> space =
        versions_->catalog().FindSpace(write.space);
    // A space dropped meanwhile takes its derived data with it.
    if (!space.ok() || space->dims != static_cast<int>(write.point.size())) {
      continue;
    }
    const DerivedOp& kept = derived_ops_.emplace_back(std::move(write));
    PreparedCommit::Op op;
    op.branch_id = candidate.branch_id;
    op.space_id = space->id;
    op.point = &kept.point;
    op.hilbert_key = mvcc::PointKey(space->id, kept.point);
    op.deleted = kept.deleted;
    op.value = kept.value;
    op.hlc = candidate.op->hlc;
    op.origin = candidate.op->origin;
    op.system = true;
    ops.push_back(std::move(op));
  }
  return absl::OkStatus();
}

void ReplicatedCommit::Encode() {
  ops_bytes.clear();
  for (const PreparedCommit::Op& op : ops) {
    wal::AppendReplicatedOp(
        &ops_bytes, op.deleted ? wal::kDeleteOp : wal::kPutOp, op.branch_id,
        op.hlc, op.origin, op.space_id, *op.point, op.value);
  }
  op_count = static_cast<uint32_t>(ops.size());
}

}  // namespace infinitedb::replication
