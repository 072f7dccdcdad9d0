#include "engine/db/write_path.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "engine/hilbert/hilbert.h"
#include "engine/wal/wal_format.h"

namespace infinitedb {
namespace {

std::string FieldName(std::string_view prefix, size_t index,
                      std::string_view field) {
  if (prefix.empty()) return std::string(field);
  return absl::StrFormat("%s[%d].%s", prefix, index, field);
}

absl::Status CheckMutation(const MutationRef& mutation,
                           const manifest::SpaceEntry& space,
                           const EngineOptions& options,
                           std::string_view prefix, size_t index) {
  if (mutation.point == nullptr ||
      static_cast<int>(mutation.point->size()) != space.dims) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: space '%s' has %d dimensions, got %d coordinates",
        FieldName(prefix, index, "point"), space.name, space.dims,
        mutation.point == nullptr ? 0 : mutation.point->size()));
  }
  if (mutation.kind == Mutation::Kind::kPut &&
      mutation.value.size() > options.max_value_bytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %d bytes exceeds the limit of %d bytes",
                        FieldName(prefix, index, "value"),
                        mutation.value.size(), options.max_value_bytes));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PreparedCommit>> PrepareCommit(
    const Catalog& catalog, const EngineOptions& options,
    std::string_view branch, std::span<const MutationRef> mutations,
    std::string_view field_prefix) {
  absl::StatusOr<uint32_t> branch_id = catalog.FindBranchId(branch);
  if (!branch_id.ok()) return branch_id.status();
  if (mutations.empty()) {
    return absl::InvalidArgumentError("mutations: the batch is empty");
  }
  if (mutations.size() > options.max_batch_mutations) {
    return absl::InvalidArgumentError(
        absl::StrFormat("mutations: %d mutations exceed the limit of %d",
                        mutations.size(), options.max_batch_mutations));
  }
  auto commit = std::make_unique<PreparedCommit>();
  commit->branch_id = *branch_id;
  // Last mutation of each address wins: index of its op by (space, key).
  absl::flat_hash_map<std::string, size_t> op_of_address;
  std::optional<manifest::SpaceEntry> space;
  size_t total_bytes = 0;
  for (size_t i = 0; i < mutations.size(); ++i) {
    const MutationRef& mutation = mutations[i];
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
    }
    absl::Status status =
        CheckMutation(mutation, *space, options, field_prefix, i);
    if (!status.ok()) return status;
    total_bytes += mutation.value.size() + 4 * space->dims + 16;
    if (total_bytes > options.max_batch_bytes) {
      return absl::InvalidArgumentError(
          absl::StrFormat("mutations: the batch exceeds the limit of %d bytes",
                          options.max_batch_bytes));
    }
    PreparedCommit::Op op;
    op.space_id = space->id;
    op.point = mutation.point;
    op.hilbert_key = hilbert::EncodeToString(*mutation.point);
    op.deleted = mutation.kind == Mutation::Kind::kDelete;
    op.value = op.deleted ? std::string_view() : mutation.value;
    std::string address(4, '\0');
    EncodeBigEndian32(op.space_id, address.data());
    address += op.hilbert_key;
    auto [it, inserted] =
        op_of_address.try_emplace(address, commit->ops.size());
    if (inserted) {
      commit->ops.push_back(std::move(op));
    } else {
      commit->ops[it->second] = std::move(op);
    }
  }
  for (const PreparedCommit::Op& op : commit->ops) {
    wal::AppendOp(&commit->ops_bytes, op.deleted ? wal::kDeleteOp : wal::kPutOp,
                  op.space_id, *op.point, op.value);
  }
  commit->op_count = static_cast<uint32_t>(commit->ops.size());
  return commit;
}

}  // namespace infinitedb
