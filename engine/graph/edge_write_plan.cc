#include "engine/graph/edge_write_plan.h"

#include "absl/strings/str_format.h"
#include "engine/graph/edge_codec.h"
#include "engine/graph/edge_entries.h"
#include "engine/graph/graph_reader.h"
#include "engine/graph/graph_spaces.h"
#include "engine/public/changes.h"

namespace infinitedb::graph {
namespace {

class Planner {
 public:
  Planner(GraphStore& store, std::string_view branch, EdgeWritePlan* plan)
      : store_(store), branch_(branch), plan_(*plan) {}

  absl::Status AddRecords(const std::vector<Mutation>& records) {
    for (size_t i = 0; i < records.size(); ++i) {
      const Mutation& record = records[i];
      if (record.space.starts_with(kSystemSpacePrefix)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "records[%d].space: '%s' is a system space", i, record.space));
      }
      plan_.mutations.push_back({record.kind, record.space, &record.point,
                                 record.value, record.if_revision});
    }
    return absl::OkStatus();
  }

  absl::Status AddEdgeMutation(size_t index, const EdgeMutation& mutation,
                               EdgeId id, bool fresh);

 private:
  // The live version of `id` before this mutation (null: none).
  absl::StatusOr<const Edge*> Previous(EdgeId id, bool* first_read);
  absl::Status RemoveEntries(const Edge& old, EdgeId id);
  absl::Status AddEntries(const Edge& edge, EdgeId id);
  // The entry's space name, from storage that outlives the planner.
  std::string_view StoredName(const EntryWrite& entry);
  void Add(Mutation::Kind kind, std::string_view space, Point point,
           std::string value, std::optional<Revision> if_revision = {});
  // The endpoint index of `space` for points of `dims`: created when
  // `create`, nullopt when it does not exist (or no longer fits).
  absl::StatusOr<std::optional<std::string_view>> IndexOf(
      const std::string& space, size_t dims, bool create);

  GraphStore& store_;
  const std::string_view branch_;
  EdgeWritePlan& plan_;
  // Each edge's version as the batch leaves it so far: an edge read from
  // the store (in read_) or one of the batch's (whose id may be 0 when it
  // is assigned); null when it has none.
  std::map<EdgeId, const Edge*> current_;
  std::deque<Edge> read_;
  // By (space, dims of its points): a miss is looked up again when an
  // index is to be created.
  std::map<std::pair<std::string, size_t>, std::optional<std::string_view>>
      indexes_;
};

absl::Status Planner::AddEdgeMutation(size_t index,
                                      const EdgeMutation& mutation, EdgeId id,
                                      bool fresh) {
  const bool put = mutation.kind == EdgeMutation::Kind::kPut;
  const Edge* old = nullptr;
  bool first_read = false;
  if (!fresh || current_.contains(id)) {
    absl::StatusOr<const Edge*> previous = Previous(id, &first_read);
    if (!previous.ok()) return previous.status();
    old = *previous;
  }
  const Revision assumed = fresh ? 0 : plan_.assumed[id];
  if (mutation.if_revision && *mutation.if_revision != assumed) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "edges[%d].if_revision: the current revision of edge %d is %d, not "
        "%d; nothing was written",
        index, id, assumed, *mutation.if_revision));
  }
  if (!put && old == nullptr) {
    return absl::NotFoundError(absl::StrFormat(
        "edges[%d].id: edge %d has no live version on branch '%s'", index, id,
        branch_));
  }
  if (old != nullptr) {
    if (absl::Status s = RemoveEntries(*old, id); !s.ok()) return s;
  }
  std::optional<Revision> condition;
  if (first_read) condition = assumed;
  if (put) {
    if (absl::Status s = AddEntries(mutation.edge, id); !s.ok()) return s;
    Add(Mutation::Kind::kPut, kEdgesSpace, EdgePoint(id),
        EncodeEdge(mutation.edge), condition);
    current_[id] = &mutation.edge;
  } else {
    Add(Mutation::Kind::kDelete, kEdgesSpace, EdgePoint(id), "", condition);
    current_[id] = nullptr;
  }
  return absl::OkStatus();
}

absl::StatusOr<const Edge*> Planner::Previous(EdgeId id, bool* first_read) {
  auto known = current_.find(id);
  if (known != current_.end()) return known->second;
  absl::StatusOr<std::optional<Edge>> edge =
      ReadEdge(store_, ReadOptions{std::string(branch_), 0}, id);
  if (!edge.ok()) return edge.status();
  plan_.assumed[id] = *edge ? (*edge)->stamp.revision : 0;
  *first_read = true;
  const Edge* read = *edge ? &read_.emplace_back(std::move(**edge)) : nullptr;
  current_[id] = read;
  return read;
}

absl::Status Planner::RemoveEntries(const Edge& old, EdgeId id) {
  for (EntryWrite& entry : EntriesOf(old, id)) {
    if (!entry.node_space.empty()) {
      absl::StatusOr<std::optional<std::string_view>> index = IndexOf(
          entry.node_space, entry.point.size() - kIdAxes, /*create=*/false);
      if (!index.ok()) return index.status();
      if (!*index) continue;  // its space was dropped: so was the index
    }
    const std::string_view space = StoredName(entry);  // before the move
    Add(Mutation::Kind::kDelete, space, std::move(entry.point), "");
  }
  return absl::OkStatus();
}

absl::Status Planner::AddEntries(const Edge& edge, EdgeId id) {
  for (EntryWrite& entry : EntriesOf(edge, id)) {
    if (!entry.node_space.empty()) {
      absl::StatusOr<std::optional<std::string_view>> index = IndexOf(
          entry.node_space, entry.point.size() - kIdAxes, /*create=*/true);
      if (!index.ok()) return index.status();
    }
    const std::string_view space = StoredName(entry);  // before the move
    Add(Mutation::Kind::kPut, space, std::move(entry.point),
        std::move(entry.value));
  }
  return absl::OkStatus();
}

std::string_view Planner::StoredName(const EntryWrite& entry) {
  if (entry.node_space.empty()) return kKindsSpace;
  // IndexOf found it.
  return *indexes_.at({entry.node_space, entry.point.size() - kIdAxes});
}

void Planner::Add(Mutation::Kind kind, std::string_view space, Point point,
                  std::string value, std::optional<Revision> if_revision) {
  const Point& stored = plan_.points.emplace_back(std::move(point));
  const std::string& bytes = plan_.values.emplace_back(std::move(value));
  plan_.mutations.push_back({kind, space, &stored, bytes, if_revision});
}

absl::StatusOr<std::optional<std::string_view>> Planner::IndexOf(
    const std::string& space, size_t dims, bool create) {
  auto known = indexes_.find({space, dims});
  if (known == indexes_.end() || (create && !known->second)) {
    std::string name = IncidenceSpace(space);
    absl::StatusOr<SpaceInfo> info =
        create ? store_.EnsureSystemSpace(name, static_cast<int>(dims) + 2,
                                          kIdAxes)
               : store_.FindSpace(name);
    if (!info.ok() && !absl::IsNotFound(info.status())) return info.status();
    std::optional<std::string_view> found;  // kept in the plan's storage
    if (info.ok() && info->dims == static_cast<int>(dims) + 2) {
      found = plan_.values.emplace_back(std::move(name));
    }
    if (create && !found) {
      return absl::InternalError(absl::StrFormat(
          "the endpoint index of space '%s' does not fit its points", space));
    }
    known = indexes_.insert_or_assign({space, dims}, std::move(found)).first;
  }
  return known->second;
}

}  // namespace

absl::StatusOr<EdgeWritePlan> PlanEdgeWrite(GraphStore& store,
                                            std::string_view branch,
                                            const WriteBatch& batch,
                                            const std::vector<EdgeId>& ids,
                                            const std::vector<bool>& fresh) {
  EdgeWritePlan plan;
  Planner planner(store, branch, &plan);
  if (absl::Status s = planner.AddRecords(batch.records); !s.ok()) return s;
  for (size_t i = 0; i < batch.edges.size(); ++i) {
    absl::Status status =
        planner.AddEdgeMutation(i, batch.edges[i], ids[i], fresh[i]);
    if (!status.ok()) return status;
  }
  return plan;
}

absl::StatusOr<Revision> CurrentEdgeRevision(GraphStore& store,
                                             std::string_view branch,
                                             EdgeId id) {
  absl::StatusOr<std::optional<Edge>> edge =
      ReadEdge(store, ReadOptions{std::string(branch), 0}, id);
  if (!edge.ok()) return edge.status();
  return *edge ? (*edge)->stamp.revision : 0;
}

}  // namespace infinitedb::graph
