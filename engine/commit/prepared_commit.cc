#include "engine/commit/prepared_commit.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/commit/write_bounds.h"
#include "engine/mvcc/point_key.h"
#include "engine/public/changes.h"
#include "engine/wal/wal_format.h"

namespace infinitedb {
namespace {

std::string FieldName(std::string_view prefix, size_t index,
                      std::string_view field) {
  if (prefix.empty()) return std::string(field);
  return absl::StrFormat("%s[%d].%s", prefix, index, field);
}

absl::Status CheckPoint(const MutationView& mutation,
                        const manifest::SpaceEntry& space,
                        std::string_view prefix, size_t index) {
  if (mutation.point != nullptr &&
      static_cast<int>(mutation.point->size()) == space.dims) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: space '%s' has %d dimensions, got %d coordinates",
                      FieldName(prefix, index, "point"), space.name, space.dims,
                      mutation.point == nullptr ? 0 : mutation.point->size()));
}

// Sorts the operations by (space, Hilbert key) -- the order the memtable
// inserts fastest -- and keeps only the last one of each address.
// What SortAndCollapse sorts: an operation's position with the first 8
// bytes of its key (big-endian, zero-padded), which decide most
// comparisons without reading the key.
struct SortEntry {
  uint32_t space_id;
  uint32_t position;
  uint64_t key_prefix;
};

uint64_t KeyPrefix(std::string_view key) {
  uint64_t prefix = 0;
  for (size_t i = 0; i < 8; ++i) {
    prefix = (prefix << 8) | (i < key.size() ? uint8_t(key[i]) : 0);
  }
  return prefix;
}

void SortAndCollapse(std::vector<PreparedCommit::Op>* ops) {
  // Sorts positions, not the operations (which are large to move); ties
  // keep the mutations' order, so the last of an address is last.
  std::vector<SortEntry> order(ops->size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    order[i] = {(*ops)[i].space_id, i, KeyPrefix((*ops)[i].hilbert_key)};
  }
  auto key_order = [&](const SortEntry& a, const SortEntry& b) {
    if (a.space_id != b.space_id) return a.space_id < b.space_id ? -1 : 1;
    if (a.key_prefix != b.key_prefix)
      return a.key_prefix < b.key_prefix ? -1 : 1;
    return (*ops)[a.position].hilbert_key.compare(
        (*ops)[b.position].hilbert_key);
  };
  std::sort(order.begin(), order.end(),
            [&](const SortEntry& a, const SortEntry& b) {
              const int key = key_order(a, b);
              return key != 0 ? key < 0 : a.position < b.position;
            });
  std::vector<PreparedCommit::Op> kept;
  kept.reserve(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    if (i + 1 < order.size() && key_order(order[i], order[i + 1]) == 0) {
      continue;  // a later mutation of the address wins
    }
    kept.push_back(std::move((*ops)[order[i].position]));
  }
  *ops = std::move(kept);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PreparedCommit>> PrepareCommit(
    const version::VersionSet& versions, const EngineOptions& options,
    std::string_view branch, std::span<const MutationView> mutations,
    std::string_view field_prefix, bool allow_system_spaces) {
  const Catalog& catalog = versions.catalog();
  absl::StatusOr<uint32_t> branch_id = catalog.FindBranchId(branch);
  if (!branch_id.ok()) return branch_id.status();
  if (mutations.empty()) {
    return absl::InvalidArgumentError("mutations: the batch is empty");
  }
  commit::WriteBounds bounds(options, "mutations");
  if (absl::Status s = bounds.CheckCount(mutations.size()); !s.ok()) return s;
  auto commit = std::make_unique<PreparedCommit>();
  commit->branch_id = *branch_id;
  commit->branch = std::string(branch);
  commit->versions = &versions;
  commit->ops.reserve(mutations.size());
  std::optional<manifest::SpaceEntry> space;
  for (size_t i = 0; i < mutations.size(); ++i) {
    const MutationView& mutation = mutations[i];
    if (!space || space->name != mutation.space) {
      absl::StatusOr<manifest::SpaceEntry> found =
          catalog.FindSpace(mutation.space);
      if (!found.ok()) {
        return absl::Status(found.status().code(),
                            absl::StrFormat("%s: no space named '%s'",
                                            FieldName(field_prefix, i, "space"),
                                            mutation.space));
      }
      space = *found;
      if (!allow_system_spaces && space->name.starts_with(kSystemSpacePrefix)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: '%s' is a system space", FieldName(field_prefix, i, "space"),
            mutation.space));
      }
    }
    absl::Status status = CheckPoint(mutation, *space, field_prefix, i);
    if (status.ok()) {
      const bool put = mutation.kind == Mutation::Kind::kPut;
      status = bounds.Add([&] { return FieldName(field_prefix, i, "value"); },
                          put ? mutation.value.size() : 0, space->dims);
    }
    if (!status.ok()) return status;
    if (mutation.if_revision.has_value()) {
      commit->conditions.push_back({FieldName(field_prefix, i, "if_revision"),
                                    *space, *mutation.point,
                                    *mutation.if_revision});
    }
    PreparedCommit::Op op;
    op.branch_id = *branch_id;
    op.space_id = space->id;
    op.point = mutation.point;
    op.hilbert_key = mvcc::PointKey(space->id, *mutation.point);
    op.deleted = mutation.kind == Mutation::Kind::kDelete;
    op.value = op.deleted ? std::string_view() : mutation.value;
    commit->ops.push_back(std::move(op));
  }
  SortAndCollapse(&commit->ops);
  for (const PreparedCommit::Op& op : commit->ops) {
    wal::AppendOp(&commit->ops_bytes, op.deleted ? wal::kDeleteOp : wal::kPutOp,
                  op.space_id, *op.point, op.value);
  }
  commit->op_count = static_cast<uint32_t>(commit->ops.size());
  commit->exclusive = !commit->conditions.empty();
  return commit;
}

absl::Status PreparedCommit::Prepare() {
  if (conditions.empty()) return absl::OkStatus();
  // Every earlier commit is applied and no later one: what is read here is
  // exactly what this commit would overwrite.
  const Revision read_at = stamp.revision - 1;
  std::shared_ptr<const ReadState> state = versions->Pin();
  absl::StatusOr<std::vector<mvcc::BranchLevel>> chain =
      versions->catalog().BranchChain(branch, read_at);
  if (!chain.ok()) return chain.status();
  for (const Condition& condition : conditions) {
    mvcc::SnapshotReader reader(SourcesFor(state, condition.space.id), *chain,
                                condition.space.id, condition.space.dims);
    absl::StatusOr<std::optional<Record>> current = reader.Get(condition.point);
    if (!current.ok()) return current.status();
    const Revision actual =
        current->has_value() ? (*current)->stamp.revision : 0;
    if (actual == condition.expected) continue;
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: the current revision of the address is %d, not %d (%s); nothing "
        "was written",
        condition.field, actual, condition.expected,
        actual == 0 ? "it has no live version" : "it was written since"));
  }
  return absl::OkStatus();
}

}  // namespace infinitedb
