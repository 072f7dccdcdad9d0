#include "engine/branch/merge_apply.h"

#include "engine/branch/branch_spaces.h"

namespace infinitedb::branch {
namespace {

// Makes the target's version at `space`/`point` become `value` (absent =
// deleted), given the revision of its live version now.
absl::Status AddVersion(const std::string& space, const Point& point,
                        const SideVersion& value, Revision ours_revision,
                        MergeWrite* write) {
  if (!value.live && ours_revision == 0) return absl::OkStatus();
  if (!IsEdgeSpace(space)) {
    Mutation mutation = value.live ? Mutation::Put(space, point, value.value)
                                   : Mutation::Delete(space, point);
    mutation.if_revision = ours_revision;
    write->batch.records.push_back(std::move(mutation));
    if (!value.live) write->records_deleted.push_back({space, point});
    return absl::OkStatus();
  }
  const EdgeId id = EdgeIdOf(point);
  EdgeMutation mutation = EdgeMutation::Delete(id);
  if (value.live) {
    absl::StatusOr<std::optional<Edge>> edge = EdgeOf(value, id);
    if (!edge.ok()) return edge.status();
    mutation = EdgeMutation::Put(std::move(**edge));
    write->edges_put.push_back(id);
  }
  mutation.if_revision = ours_revision;
  write->batch.edges.push_back(std::move(mutation));
  return absl::OkStatus();
}

}  // namespace

absl::Status AddTaken(const TakenChange& change, MergeWrite* write) {
  return AddVersion(change.space, change.point, change.theirs,
                    change.ours_revision, write);
}

absl::Status AddResolution(const StoredConflict& conflict, MergeWrite* write) {
  const Revision ours = LiveRevision(conflict.ours);
  switch (conflict.resolution) {
    case Resolution::kUnresolved:
      return absl::InternalError("merge: an unresolved conflict was applied");
    case Resolution::kOurs:
      return absl::OkStatus();
    case Resolution::kTheirs:
      return AddVersion(conflict.space, conflict.point, conflict.theirs, ours,
                        write);
    case Resolution::kValue: {
      SideVersion value;
      value.live = true;
      value.value = conflict.resolved_value;
      return AddVersion(conflict.space, conflict.point, value, ours, write);
    }
    case Resolution::kDelete:
      return AddVersion(conflict.space, conflict.point, SideVersion{}, ours,
                        write);
  }
  return absl::OkStatus();
}

}  // namespace infinitedb::branch
