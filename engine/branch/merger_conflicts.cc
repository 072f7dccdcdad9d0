// Merger: the conflicts of a merge in progress (listing and resolving
// them), merge status, and the status of a branch against its parent.
#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/branch/branch_spaces.h"
#include "engine/branch/merger.h"
#include "engine/common/coding.h"
#include "engine/graph/edge_codec.h"
#include "engine/graph/graph_spaces.h"

namespace infinitedb::branch {
namespace {

constexpr uint8_t kConflictCursorVersion = 1;
constexpr size_t kReadChunk = 1024;

std::string ConflictCursor(uint64_t last_id) {
  std::string out(1, static_cast<char>(kConflictCursorVersion));
  PutFixed64(&out, last_id);
  return out;
}

absl::StatusOr<uint64_t> DecodeConflictCursor(std::string_view cursor) {
  if (cursor.empty()) return 0;
  ByteReader reader(cursor);
  uint8_t version = 0;
  uint64_t id = 0;
  if (!reader.ReadByte(&version) || version != kConflictCursorVersion ||
      !reader.ReadFixed64(&id) || !reader.empty()) {
    return absl::InvalidArgumentError(
        "cursor: not a cursor of a conflict list (pass next_cursor unchanged)");
  }
  return id;
}

absl::Status NoMerge(std::string_view target) {
  return absl::FailedPreconditionError(
      absl::StrFormat("target: no merge into '%s' is in progress", target));
}

}  // namespace

absl::Status Merger::ApplyResolution(const ResolveRequest& request,
                                     StoredConflict* conflict) const {
  conflict->resolved_value.clear();
  conflict->resolution = request.resolution;
  if (request.resolution != Resolution::kValue) return absl::OkStatus();
  if (!conflict->is_edge) {
    if (request.edge) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "edge: conflict %d is on a record; give a value", conflict->id));
    }
    if (request.value.size() > max_value_bytes_) {
      return absl::InvalidArgumentError(
          absl::StrFormat("value: %d bytes, more than the limit of %d",
                          request.value.size(), max_value_bytes_));
    }
    conflict->resolved_value = request.value;
    return absl::OkStatus();
  }
  if (!request.edge) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "edge: conflict %d is on an edge; give the edge to resolve it to",
        conflict->id));
  }
  Edge edge = *request.edge;
  edge.id = EdgeIdOf(conflict->point);
  if (edge.kind.empty() || edge.endpoints.size() < 2) {
    return absl::InvalidArgumentError(
        "edge: needs a kind and at least two endpoints");
  }
  conflict->resolved_value = graph::EncodeEdge(edge);
  return absl::OkStatus();
}

absl::Status Merger::Resolve(const ResolveRequest& request) {
  absl::StatusOr<uint32_t> target_id = BranchId(request.target, "target");
  if (!target_id.ok()) return target_id.status();
  if (request.all && (request.resolution == Resolution::kValue ||
                      request.resolution == Resolution::kUnresolved)) {
    return absl::InvalidArgumentError(
        "resolution: every conflict at once takes ours, theirs or delete");
  }
  TargetGuard guard(this, request.target);
  if (!guard.status().ok()) return guard.status();
  absl::StatusOr<std::optional<StoredMergeState>> state =
      records_.State(request.target, *target_id);
  if (!state.ok()) return state.status();
  if (!*state) return NoMerge(request.target);

  std::vector<StoredConflict> chosen;
  if (request.conflict_id != 0) {
    absl::StatusOr<std::optional<StoredConflict>> one =
        records_.Conflict(request.target, *target_id, request.conflict_id);
    if (!one.ok()) return one.status();
    if (!*one) {
      return absl::NotFoundError(
          absl::StrFormat("conflict_id: the merge into '%s' has no conflict %d",
                          request.target, request.conflict_id));
    }
    chosen.push_back(std::move(**one));
  } else {
    const bool by_edge = request.edge_id != 0;
    if (!request.all && !by_edge && request.space.empty()) {
      return absl::InvalidArgumentError(
          "conflict_id: name the conflict (its id, a space and point, or an "
          "edge_id), or resolve all");
    }
    const std::string space = by_edge ? kGraphEdgesSpace : request.space;
    const Point point =
        by_edge ? graph::EdgePoint(request.edge_id) : request.point;
    absl::StatusOr<std::vector<StoredConflict>> all =
        records_.Conflicts(request.target, *target_id);
    if (!all.ok()) return all.status();
    for (StoredConflict& conflict : *all) {
      if (request.all ? conflict.resolution == Resolution::kUnresolved
                      : conflict.space == space && conflict.point == point) {
        chosen.push_back(std::move(conflict));
      }
    }
    if (chosen.empty() && !request.all) {
      return absl::NotFoundError(
          absl::StrFormat("%s: the merge into '%s' has no conflict there",
                          by_edge ? "edge_id" : "point", request.target));
    }
  }
  MergeRecordWrites system;
  for (StoredConflict& conflict : chosen) {
    if (absl::Status s = ApplyResolution(request, &conflict); !s.ok()) {
      return s;
    }
    system.PutConflict(*target_id, conflict);
  }
  if (system.mutations().empty()) return absl::OkStatus();
  return store_->Write(request.target, {}, system.mutations()).status();
}

absl::StatusOr<ConflictPage> Merger::Conflicts(std::string_view target,
                                               uint64_t limit,
                                               std::string_view cursor,
                                               ConflictVisitor visit) {
  absl::StatusOr<uint32_t> target_id = BranchId(target, "target");
  if (!target_id.ok()) return target_id.status();
  absl::StatusOr<uint64_t> after = DecodeConflictCursor(cursor);
  if (!after.ok()) return after.status();
  absl::StatusOr<std::optional<StoredMergeState>> state =
      records_.State(target, *target_id);
  if (!state.ok()) return state.status();
  if (!*state) return NoMerge(target);
  absl::StatusOr<std::vector<StoredConflict>> stored = records_.Conflicts(
      target, *target_id, *after, limit == 0 ? 0 : limit + 1);
  if (!stored.ok()) return stored.status();
  ConflictPage page;
  for (const StoredConflict& conflict : *stored) {
    if (limit != 0 && page.count == limit) return page;
    absl::StatusOr<MergeConflict> public_form = ToMergeConflict(conflict);
    if (!public_form.ok()) return public_form.status();
    ++page.count;
    page.next_cursor = ConflictCursor(conflict.id);
    if (!visit(*public_form)) return page;
  }
  page.next_cursor.clear();
  return page;
}

absl::StatusOr<std::optional<MergeStatus>> Merger::Status(
    std::string_view target) {
  absl::StatusOr<uint32_t> target_id = BranchId(target, "target");
  if (!target_id.ok()) return target_id.status();
  absl::StatusOr<std::optional<StoredMergeState>> state =
      records_.State(target, *target_id);
  if (!state.ok()) return state.status();
  if (!*state) return std::nullopt;
  absl::StatusOr<std::vector<StoredConflict>> stored =
      records_.Conflicts(target, *target_id);
  if (!stored.ok()) return stored.status();
  MergeStatus status;
  status.source = (*state)->source;
  status.target = std::string(target);
  absl::StatusOr<std::string> base =
      versions_->catalog().BranchName((*state)->base_branch_id);
  status.base = {base.ok() ? *base : "", (*state)->base_hlc_cap == UINT64_MAX
                                             ? (*state)->base_revision
                                             : (*state)->base_floor};
  status.theirs_revision = (*state)->theirs_revision;
  status.conflicts = stored->size();
  status.unresolved = std::count_if(
      stored->begin(), stored->end(), [](const StoredConflict& conflict) {
        return conflict.resolution == Resolution::kUnresolved;
      });
  return std::optional<MergeStatus>(std::move(status));
}

absl::Status Merger::CheckNoMergeInvolves(std::string_view branch) {
  for (const BranchInfo& info : versions_->catalog().ListBranches()) {
    absl::StatusOr<uint32_t> id = versions_->catalog().FindBranchId(info.name);
    if (!id.ok()) continue;
    absl::StatusOr<std::optional<StoredMergeState>> state =
        records_.State(info.name, *id);
    if (!state.ok()) return state.status();
    if (*state && (info.name == branch || (*state)->source == branch)) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "branch: a merge of '%s' into '%s' is in progress; commit or abort "
          "it first",
          (*state)->source, info.name));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<BranchStatus> Merger::StatusOfBranch(std::string_view branch) {
  BranchStatus status;
  bool found = false;
  for (const BranchInfo& info : versions_->catalog().ListBranches()) {
    if (info.name == branch) {
      status.info = info;
      found = true;
    }
  }
  if (!found) {
    return absl::NotFoundError(
        absl::StrFormat("branch: no branch named '%s'", branch));
  }
  absl::StatusOr<std::optional<MergeStatus>> merge = Status(branch);
  if (!merge.ok()) return merge.status();
  status.merge_in_progress = merge->has_value();
  if (status.info.parent.empty()) return status;
  absl::StatusOr<Side> base =
      FindMergeBase(*versions_, records_, branch, status.info.parent);
  if (!base.ok()) return base.status();
  status.base = {base->branch, base->ShownRevision()};
  absl::StatusOr<Side> own = ResolveSide(*versions_, branch, 0, "branch");
  if (!own.ok()) return own.status();
  absl::StatusOr<Side> parent =
      ResolveSide(*versions_, status.info.parent, 0, "parent");
  if (!parent.ok()) return parent.status();
  for (const std::string& space : ComparedSpaces(versions_->catalog())) {
    absl::StatusOr<SideJoin> join =
        SideJoin::Open(*versions_, space, {*base, *own, *parent}, nullptr);
    if (absl::IsNotFound(join.status())) continue;
    if (!join.ok()) return join.status();
    absl::StatusOr<std::vector<std::string>> keys = join->CandidateKeys("");
    if (!keys.ok()) return keys.status();
    for (size_t first = 0; first < keys->size(); first += kReadChunk) {
      const size_t count = std::min(kReadChunk, keys->size() - first);
      absl::StatusOr<std::vector<JoinedAddress>> joined =
          join->Read(std::span(*keys).subspan(first, count));
      if (!joined.ok()) return joined.status();
      for (const JoinedAddress& address : *joined) {
        status.changed_on_branch += !address.sides[0].SameAs(address.sides[1]);
        status.changed_on_parent += !address.sides[0].SameAs(address.sides[2]);
      }
    }
  }
  return status;
}

}  // namespace infinitedb::branch
