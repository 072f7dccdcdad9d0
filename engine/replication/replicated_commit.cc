#include "engine/replication/replicated_commit.h"

#include <map>
#include <memory>
#include <tuple>

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

absl::Status ReplicatedCommit::Prepare(const commit::WriterView& writer) {
  // Every earlier commit is applied (an exclusive commit has a group of its
  // own) and no later one is: the decisions below are final.
  const Revision read_at = stamp.revision - 1;
  std::shared_ptr<const ReadState> state = versions_->Pin();
  std::map<std::pair<uint32_t, uint32_t>, std::unique_ptr<mvcc::SnapshotReader>>
      readers;
  ops.clear();
  ops.reserve(candidates.size() + 1);
  stale = 0;
  bool cursor_added = false;
  for (const Candidate& candidate : candidates) {
    if (!cursor_added &&
        std::tie(main_branch_id, cursor_space_id) <
            std::tie(candidate.branch_id, candidate.space.id)) {
      AddCursor();
      cursor_added = true;
    }
    const ChangeOp& op = *candidate.op;
    // Newer than every stored version: it wins without a lookup (the usual
    // case for a follower of one source).
    if (op.hlc <= writer.max_stored_hlc) {
      std::unique_ptr<mvcc::SnapshotReader>& reader =
          readers[{candidate.branch_id, candidate.space.id}];
      if (reader == nullptr) {
        absl::StatusOr<std::vector<mvcc::BranchLevel>> chain =
            versions_->catalog().BranchChain(op.branch, read_at);
        if (!chain.ok()) return chain.status();
        reader = std::make_unique<mvcc::SnapshotReader>(
            SourcesFor(state, candidate.space.id), std::move(*chain),
            candidate.space.id, candidate.space.dims);
      }
      absl::StatusOr<std::optional<Record>> newest = reader->Newest(op.point);
      if (!newest.ok()) return newest.status();
      if (newest->has_value() &&
          WriterOrder((*newest)->stamp.hlc, (*newest)->stamp.origin) >=
              WriterOrder(op.hlc, op.origin)) {
        ++stale;
        continue;
      }
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
  }
  if (!cursor_added) AddCursor();
  ops_bytes.clear();
  for (const PreparedCommit::Op& op : ops) {
    wal::AppendReplicatedOp(
        &ops_bytes, op.deleted ? wal::kDeleteOp : wal::kPutOp, op.branch_id,
        op.hlc, op.origin, op.space_id, *op.point, op.value);
  }
  op_count = static_cast<uint32_t>(ops.size());
  return absl::OkStatus();
}

}  // namespace infinitedb::replication
