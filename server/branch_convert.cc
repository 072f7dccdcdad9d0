#include "server/branch_convert.h"

#include "absl/strings/str_format.h"
#include "server/graph_convert.h"
#include "server/page_limits.h"
#include "server/proto_convert.h"

namespace infinitedb::server {
namespace {

constexpr uint32_t kDefaultConflictSample = 100;

void RecordToProto(const std::optional<Record>& record, v1::Record* out) {
  if (record) ToProto(*record, out);
}

}  // namespace

void ToProto(const BranchInfo& branch, v1::Branch* out) {
  out->set_name(branch.name);
  out->set_parent(branch.parent);
  out->set_fork_revision(branch.fork_revision);
  out->set_fork_hlc(branch.fork_hlc);
  out->set_head_revision(branch.head_revision);
}

void ToProto(const BranchAt& side, v1::BranchAt* out) {
  out->set_branch(side.branch);
  out->set_as_of(side.as_of);
}

BranchAt BranchAtFrom(const v1::BranchAt& side) {
  return {BranchOrMain(side.branch()), side.as_of()};
}

void ToProto(const DiffEntry& entry, v1::DiffEntry* out) {
  out->set_kind(static_cast<v1::ChangeKind>(static_cast<int>(entry.kind) + 1));
  if (entry.is_edge) {
    out->set_edge_id(entry.edge_id);
    if (entry.before_edge)
      ToProto(*entry.before_edge, out->mutable_before_edge());
    if (entry.after_edge) ToProto(*entry.after_edge, out->mutable_after_edge());
    return;
  }
  out->set_space(entry.space);
  ToProto(entry.point, out->mutable_point());
  if (entry.before) RecordToProto(entry.before, out->mutable_before());
  if (entry.after) RecordToProto(entry.after, out->mutable_after());
}

void ToProto(const MergeConflict& conflict, v1::MergeConflict* out) {
  out->set_id(conflict.id);
  out->set_kind(static_cast<v1::ConflictKind>(conflict.kind));
  out->set_resolution(static_cast<v1::Resolution>(conflict.resolution));
  if (conflict.is_edge) {
    out->set_edge_id(conflict.edge_id);
    if (conflict.base_edge)
      ToProto(*conflict.base_edge, out->mutable_base_edge());
    if (conflict.ours_edge)
      ToProto(*conflict.ours_edge, out->mutable_ours_edge());
    if (conflict.theirs_edge) {
      ToProto(*conflict.theirs_edge, out->mutable_theirs_edge());
    }
    if (conflict.resolved_edge) {
      ToProto(*conflict.resolved_edge, out->mutable_resolved_edge());
    }
    return;
  }
  out->set_space(conflict.space);
  ToProto(conflict.point, out->mutable_point());
  if (conflict.base) RecordToProto(conflict.base, out->mutable_base());
  if (conflict.ours) RecordToProto(conflict.ours, out->mutable_ours());
  if (conflict.theirs) RecordToProto(conflict.theirs, out->mutable_theirs());
  out->set_resolved_value(conflict.resolved_value);
}

void ToProto(const MergeResult& result, v1::MergeResponse* out) {
  ToProto(result.base, out->mutable_base());
  out->set_ours_revision(result.ours_revision);
  out->set_theirs_revision(result.theirs_revision);
  out->set_fast_forward(result.fast_forward);
  out->set_taken(result.taken);
  out->set_unchanged(result.unchanged);
  out->set_conflicts(result.conflicts);
  for (const MergeConflict& conflict : result.conflict_sample) {
    ToProto(conflict, out->add_conflict_sample());
  }
  if (result.stamp.revision != 0) ToProto(result.stamp, out->mutable_stamp());
  out->set_in_progress(result.in_progress);
  for (EdgeId id : result.dangling_edges) out->add_dangling_edges(id);
}

absl::StatusOr<DiffRequest> DiffRequestFrom(const v1::DiffRequest& request) {
  DiffRequest out;
  out.from = BranchAtFrom(request.from());
  out.to = BranchAtFrom(request.to());
  out.space = request.space();
  if (request.has_box()) {
    absl::StatusOr<Box> box = BoxFrom(request.box(), "box");
    if (!box.ok()) return box.status();
    out.box = std::move(*box);
  }
  out.limit = request.limit() == 0 || request.limit() > kPageItemsMax
                  ? kPageItemsMax
                  : request.limit();
  return out;
}

absl::StatusOr<MergeRequest> MergeRequestFrom(const v1::MergeRequest& request) {
  if (absl::Status s = CheckRequired(request.source(), "source"); !s.ok()) {
    return s;
  }
  if (!v1::MergeStrategy_IsValid(request.strategy())) {
    return absl::InvalidArgumentError(
        absl::StrFormat("strategy: unknown value %d", request.strategy()));
  }
  MergeRequest out;
  out.source = request.source();
  out.target = BranchOrMain(request.target());
  out.strategy = static_cast<MergeStrategy>(request.strategy());
  out.dry_run = request.dry_run();
  out.conflict_limit =
      request.conflict_limit() == 0
          ? kDefaultConflictSample
          : std::min<uint32_t>(request.conflict_limit(), kPageItemsMax);
  return out;
}

absl::StatusOr<ResolveRequest> ResolveRequestFrom(
    const v1::ResolveConflictRequest& request) {
  if (!v1::Resolution_IsValid(request.resolution())) {
    return absl::InvalidArgumentError(
        absl::StrFormat("resolution: unknown value %d", request.resolution()));
  }
  ResolveRequest out;
  out.target = BranchOrMain(request.target());
  out.conflict_id = request.conflict_id();
  out.all = request.all();
  out.space = request.space();
  if (request.has_point()) {
    out.point.assign(request.point().coordinates().begin(),
                     request.point().coordinates().end());
  }
  out.edge_id = request.edge_id();
  out.resolution = static_cast<Resolution>(request.resolution());
  out.value = request.value();
  if (request.has_edge()) {
    absl::StatusOr<Edge> edge = EdgeFrom(request.edge(), "edge");
    if (!edge.ok()) return edge.status();
    out.edge = std::move(*edge);
  }
  return out;
}

}  // namespace infinitedb::server
