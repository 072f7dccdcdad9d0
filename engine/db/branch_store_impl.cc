#include "engine/db/branch_store_impl.h"

#include <algorithm>

namespace infinitedb {

absl::StatusOr<CommitStamp> BranchStoreImpl::Write(
    std::string_view branch, const WriteBatch& batch,
    std::span<const MutationView> system) {
  if (batch.records.empty() && batch.edges.empty()) {
    return graph_store_->Commit(branch, system, "records");
  }
  absl::StatusOr<WriteResult> result =
      graph_->Write(branch, batch, {system, /*allow_dangling=*/true});
  if (!result.ok()) return result.status();
  return result->stamp;
}

absl::StatusOr<std::vector<EdgeId>> BranchStoreImpl::DanglingAmong(
    std::string_view branch, const std::vector<EdgeId>& edges,
    const std::vector<NodeRef>& nodes) {
  std::vector<EdgeId> candidates = edges;
  for (const NodeRef& node : nodes) {
    IncidentRequest request;
    request.read.branch = std::string(branch);
    request.node = node;
    absl::StatusOr<GraphPage> page =
        graph_->Incident(request, [&](const Incidence& incidence) {
          candidates.push_back(incidence.edge.id);
          return true;
        });
    if (!page.ok() && !absl::IsNotFound(page.status())) return page.status();
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()),
                   candidates.end());
  std::vector<EdgeId> dangling;
  const ReadOptions read{std::string(branch), 0};
  for (EdgeId id : candidates) {
    absl::StatusOr<std::optional<Edge>> edge = graph_->GetEdge(read, id);
    if (!edge.ok()) return edge.status();
    if (!edge->has_value()) continue;
    for (const Endpoint& endpoint : (*edge)->endpoints) {
      absl::StatusOr<std::optional<Record>> record =
          graph_store_->Get(read, endpoint.space, endpoint.point);
      if (absl::IsNotFound(record.status()) || (record.ok() && !*record)) {
        dangling.push_back(id);
        break;
      }
      if (!record.ok()) return record.status();
    }
  }
  return dangling;
}

}  // namespace infinitedb
