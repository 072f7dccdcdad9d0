#include "engine/graph/graph.h"

#include <map>

#include "absl/strings/str_format.h"
#include "engine/graph/edge_write_plan.h"
#include "engine/graph/graph_reader.h"
#include "engine/graph/graph_spaces.h"
#include "engine/graph/traversal.h"
#include "engine/public/changes.h"

namespace infinitedb::graph {
namespace {

// A write whose edges others write meanwhile plans again: a few times on
// its own, then under Graph::contended_mu_, which leaves it only the
// writers' first attempts to race with.
constexpr int kOptimisticAttempts = 4;
constexpr int kContendedAttempts = 200;

absl::Status CheckBox(const Box& box, int dims) {
  if (static_cast<int>(box.min.size()) != dims ||
      static_cast<int>(box.max.size()) != dims) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "box: the space has %d dimensions, the box has %d and %d", dims,
        box.min.size(), box.max.size()));
  }
  for (int axis = 0; axis < dims; ++axis) {
    if (box.min[axis] > box.max[axis]) {
      return absl::InvalidArgumentError(
          absl::StrFormat("box: min %d > max %d on axis %d", box.min[axis],
                          box.max[axis], axis));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Graph>> Graph::Open(
    GraphStore* store, const EngineOptions& options) {
  absl::StatusOr<std::unique_ptr<EdgeIdAllocator>> ids = EdgeIdAllocator::Open(
      options.env.file_system, options.data_dir, options.node_id);
  if (!ids.ok()) return ids.status();
  return std::unique_ptr<Graph>(new Graph(store, options, std::move(*ids)));
}

absl::Status Graph::Validate(const WriteBatch& batch) {
  if (batch.records.empty() && batch.edges.empty()) {
    return absl::InvalidArgumentError("batch: nothing to write");
  }
  // A batch names few spaces: look each up once.
  std::map<std::string, absl::StatusOr<SpaceInfo>, std::less<>> spaces;
  auto find = [&](std::string_view name) -> absl::StatusOr<SpaceInfo> {
    auto known = spaces.find(name);
    if (known == spaces.end()) {
      known = spaces.emplace(std::string(name), store_->FindSpace(name)).first;
    }
    return known->second;
  };
  std::map<std::string, std::optional<KindDeclaration>> declarations;
  char field[32];
  for (size_t i = 0; i < batch.edges.size(); ++i) {
    const EdgeMutation& mutation = batch.edges[i];
    std::snprintf(field, sizeof(field), "edges[%zu]", i);
    if (mutation.kind == EdgeMutation::Kind::kDelete) {
      if (mutation.edge.id == 0) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s.id: required to delete an edge", field));
      }
      continue;
    }
    absl::Status status = ValidateEdge(mutation.edge, field, limits_, find);
    if (status.ok()) status = kinds_.Check(mutation.edge, field, &declarations);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status Graph::CheckEndpointsLive(std::string_view branch,
                                       const WriteBatch& batch) {
  // The batch's own records count as they will be after it (last wins).
  std::map<std::pair<std::string_view, Point>, bool> written;
  for (const Mutation& record : batch.records) {
    written[{record.space, record.point}] = record.kind == Mutation::Kind::kPut;
  }
  for (size_t i = 0; i < batch.edges.size(); ++i) {
    const EdgeMutation& mutation = batch.edges[i];
    if (mutation.kind != EdgeMutation::Kind::kPut) continue;
    for (size_t j = 0; j < mutation.edge.endpoints.size(); ++j) {
      const Endpoint& endpoint = mutation.edge.endpoints[j];
      auto in_batch = written.find({endpoint.space, endpoint.point});
      bool live = false;
      if (in_batch != written.end()) {
        live = in_batch->second;
      } else {
        absl::StatusOr<std::optional<Record>> record =
            store_->Get(ReadOptions{std::string(branch), 0}, endpoint.space,
                        endpoint.point);
        if (!record.ok()) return record.status();
        live = record->has_value();
      }
      if (live) continue;
      return absl::InvalidArgumentError(absl::StrFormat(
          "edges[%d].endpoints[%d]: no live record at this point of space "
          "'%s' on branch '%s' (reject_dangling_edges)",
          i, j, endpoint.space, branch));
    }
  }
  return absl::OkStatus();
}

absl::Status Graph::ValidateNode(const NodeRef& node, std::string_view field) {
  return graph::ValidateNode(node, field, [&](std::string_view name) {
    return store_->FindSpace(name);
  });
}

absl::StatusOr<std::vector<EdgeId>> Graph::AssignIds(const WriteBatch& batch,
                                                     std::vector<bool>* fresh) {
  uint64_t missing = 0;
  for (const EdgeMutation& mutation : batch.edges) {
    missing += mutation.edge.id == 0;
  }
  EdgeId next = 0;
  if (missing > 0) {
    absl::StatusOr<EdgeId> first = ids_->Allocate(missing);
    if (!first.ok()) return first.status();
    next = *first;
  }
  std::vector<EdgeId> ids;
  for (const EdgeMutation& mutation : batch.edges) {
    const bool assign = mutation.edge.id == 0;
    if (!assign) {
      if (absl::Status s = ids_->Observe(mutation.edge.id); !s.ok()) return s;
    }
    ids.push_back(assign ? next++ : mutation.edge.id);
    fresh->push_back(assign);
  }
  return ids;
}

absl::StatusOr<WriteResult> Graph::Write(std::string_view branch,
                                         const WriteBatch& batch) {
  return Write(branch, batch, WriteExtras{});
}

absl::StatusOr<WriteResult> Graph::Write(std::string_view branch,
                                         const WriteBatch& batch,
                                         const WriteExtras& extras) {
  if (absl::Status s = Validate(batch); !s.ok()) return s;
  if (absl::Status s = store_->CheckBranch(branch); !s.ok()) return s;
  if (reject_dangling_ && !extras.allow_dangling) {
    if (absl::Status s = CheckEndpointsLive(branch, batch); !s.ok()) return s;
  }
  if (!batch.edges.empty()) {
    if (absl::Status s = EnsureGraphSpaces(*store_); !s.ok()) return s;
  }
  std::vector<bool> fresh;
  absl::StatusOr<std::vector<EdgeId>> ids = AssignIds(batch, &fresh);
  if (!ids.ok()) return ids.status();
  for (int attempt = 0; attempt < kOptimisticAttempts; ++attempt) {
    bool raced = false;
    absl::StatusOr<WriteResult> result =
        TryWrite(branch, batch, *ids, fresh, extras, &raced);
    if (!raced) return result;
  }
  absl::MutexLock contended(&contended_mu_);
  for (int attempt = 0; attempt < kContendedAttempts; ++attempt) {
    bool raced = false;
    absl::StatusOr<WriteResult> result =
        TryWrite(branch, batch, *ids, fresh, extras, &raced);
    if (!raced) return result;
  }
  return absl::AbortedError(absl::StrFormat(
      "edges: written by others during each of %d attempts; nothing was "
      "written",
      kOptimisticAttempts + kContendedAttempts));
}

absl::StatusOr<WriteResult> Graph::TryWrite(std::string_view branch,
                                            const WriteBatch& batch,
                                            const std::vector<EdgeId>& ids,
                                            const std::vector<bool>& fresh,
                                            const WriteExtras& extras,
                                            bool* raced) {
  absl::StatusOr<EdgeWritePlan> plan =
      PlanEdgeWrite(*store_, branch, batch, ids, fresh);
  if (!plan.ok()) return plan.status();
  plan->mutations.insert(plan->mutations.end(), extras.system.begin(),
                         extras.system.end());
  const std::vector<GraphCache::WrittenKey> written =
      cache_.KeysWritten(plan->mutations);
  cache_.BeginWrite(written);
  absl::StatusOr<CommitStamp> stamp =
      store_->Commit(branch, plan->mutations, "records");
  cache_.EndWrite(written, store_->CurrentRevision());
  if (absl::IsFailedPrecondition(stamp.status())) {
    // A record's precondition, or an edge read for the plan that changed.
    for (const auto& [id, assumed] : plan->assumed) {
      absl::StatusOr<Revision> now = CurrentEdgeRevision(*store_, branch, id);
      if (!now.ok()) return now.status();
      if (*now != assumed) *raced = true;
    }
  }
  if (!stamp.ok()) return stamp.status();
  return WriteResult{*stamp, ids};
}

absl::StatusOr<std::optional<Edge>> Graph::GetEdge(const ReadOptions& options,
                                                   EdgeId id) {
  absl::StatusOr<GraphReader> reader =
      GraphReader::Open(*store_, &cache_, options.branch, options.as_of);
  if (!reader.ok()) return reader.status();
  return reader->GetEdge(id);
}

absl::StatusOr<std::vector<Edge>> Graph::EdgeHistory(const ReadOptions& options,
                                                     EdgeId id) {
  absl::StatusOr<GraphReader> reader =
      GraphReader::Open(*store_, &cache_, options.branch, options.as_of);
  if (!reader.ok()) return reader.status();
  return reader->History(id);
}

absl::StatusOr<GraphPage> Graph::Incident(const IncidentRequest& request,
                                          IncidenceVisitor visit) {
  if (absl::Status s = ValidateNode(request.node, "node"); !s.ok()) return s;
  absl::StatusOr<GraphReader> reader =
      GraphReader::Open(*store_, &cache_, request.read.branch,
                        request.read.as_of, request.read.cursor);
  if (!reader.ok()) return reader.status();
  return reader->Incident(request.node, request.filter, request.read.limit,
                          visit);
}

absl::StatusOr<GraphPage> Graph::BoxIncident(const BoxIncidentRequest& request,
                                             IncidenceVisitor visit) {
  if (request.space.starts_with(kSystemSpacePrefix)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("space: '%s' is a system space", request.space));
  }
  absl::StatusOr<SpaceInfo> space = store_->FindSpace(request.space);
  if (!space.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("space: no space named '%s'", request.space));
  }
  if (absl::Status s = CheckBox(request.box, space->dims); !s.ok()) return s;
  absl::StatusOr<GraphReader> reader =
      GraphReader::Open(*store_, &cache_, request.read.branch,
                        request.read.as_of, request.read.cursor);
  if (!reader.ok()) return reader.status();
  return reader->BoxIncident(request.space, request.box, request.filter,
                             request.read.limit, visit);
}

absl::StatusOr<GraphPage> Graph::EdgesByKind(const KindRequest& request,
                                             EdgeVisitor visit) {
  if (request.kind.empty()) {
    return absl::InvalidArgumentError("kind: required (empty)");
  }
  absl::StatusOr<GraphReader> reader =
      GraphReader::Open(*store_, &cache_, request.read.branch,
                        request.read.as_of, request.read.cursor);
  if (!reader.ok()) return reader.status();
  return reader->ByKind(request.kind, request.read.limit, visit);
}

absl::StatusOr<Degree> Graph::NodeDegree(const IncidentRequest& request) {
  if (absl::Status s = ValidateNode(request.node, "node"); !s.ok()) return s;
  absl::StatusOr<GraphReader> reader = GraphReader::Open(
      *store_, &cache_, request.read.branch, request.read.as_of);
  if (!reader.ok()) return reader.status();
  return reader->NodeDegree(request.node, request.filter);
}

absl::StatusOr<TraverseResult> Graph::Traverse(const TraverseRequest& request) {
  if (request.starts.empty()) {
    return absl::InvalidArgumentError("starts: at least one start node");
  }
  for (size_t i = 0; i < request.starts.size(); ++i) {
    absl::Status status =
        ValidateNode(request.starts[i], absl::StrFormat("starts[%d]", i));
    if (!status.ok()) return status;
  }
  if (request.max_nodes == 0) {
    return absl::InvalidArgumentError("max_nodes: must be at least 1");
  }
  if (request.b_connectivity &&
      request.filter.direction != Direction::kOutgoing) {
    return absl::InvalidArgumentError(
        "b_connectivity: walks directed edges from tails to heads; set the "
        "direction to outgoing");
  }
  absl::StatusOr<GraphReader> reader =
      GraphReader::Open(*store_, &cache_, request.branch, request.as_of);
  if (!reader.ok()) return reader.status();
  return graph::Traverse(*reader, request);
}

absl::StatusOr<PathResult> Graph::ShortestPath(const PathRequest& request) {
  if (absl::Status s = ValidateNode(request.from, "from"); !s.ok()) return s;
  if (absl::Status s = ValidateNode(request.to, "to"); !s.ok()) return s;
  absl::StatusOr<GraphReader> reader =
      GraphReader::Open(*store_, &cache_, request.branch, request.as_of);
  if (!reader.ok()) return reader.status();
  return graph::ShortestPath(*reader, request);
}

absl::StatusOr<GraphPage> Graph::DanglingEdges(const GraphRead& read,
                                               EdgeVisitor visit) {
  absl::StatusOr<GraphReader> reader =
      GraphReader::Open(*store_, &cache_, read.branch, read.as_of, read.cursor);
  if (!reader.ok()) return reader.status();
  return reader->Dangling(read.limit, visit);
}

absl::StatusOr<CycleResult> Graph::FindCycle(const CycleRequest& request) {
  absl::StatusOr<GraphReader> reader =
      GraphReader::Open(*store_, &cache_, request.branch, request.as_of);
  if (!reader.ok()) return reader.status();
  return graph::FindCycle(*reader, request);
}

}  // namespace infinitedb::graph
