// EngineImpl's graph methods: each delegates to graph::Graph.
#include "engine/db/engine_impl.h"

namespace infinitedb {

absl::StatusOr<WriteResult> EngineImpl::Write(std::string_view branch,
                                              const WriteBatch& batch) {
  return graph_->Write(branch, batch);
}

absl::StatusOr<std::optional<Edge>> EngineImpl::GetEdge(
    const ReadOptions& options, EdgeId id) {
  return graph_->GetEdge(options, id);
}

absl::StatusOr<std::vector<Edge>> EngineImpl::EdgeHistory(
    const ReadOptions& options, EdgeId id) {
  return graph_->EdgeHistory(options, id);
}

absl::StatusOr<GraphPage> EngineImpl::Incident(const IncidentRequest& request,
                                               IncidenceVisitor visit) {
  return graph_->Incident(request, visit);
}

absl::StatusOr<GraphPage> EngineImpl::BoxIncident(
    const BoxIncidentRequest& request, IncidenceVisitor visit) {
  return graph_->BoxIncident(request, visit);
}

absl::StatusOr<GraphPage> EngineImpl::EdgesByKind(const KindRequest& request,
                                                  EdgeVisitor visit) {
  return graph_->EdgesByKind(request, visit);
}

absl::StatusOr<Degree> EngineImpl::NodeDegree(const IncidentRequest& request) {
  return graph_->NodeDegree(request);
}

absl::StatusOr<TraverseResult> EngineImpl::Traverse(
    const TraverseRequest& request) {
  return graph_->Traverse(request);
}

absl::StatusOr<PathResult> EngineImpl::ShortestPath(
    const PathRequest& request) {
  return graph_->ShortestPath(request);
}

absl::StatusOr<CycleResult> EngineImpl::FindCycle(const CycleRequest& request) {
  return graph_->FindCycle(request);
}

absl::Status EngineImpl::DeclareKind(const KindDeclaration& declaration) {
  return graph_->DeclareKind(declaration);
}

absl::StatusOr<std::vector<KindDeclaration>> EngineImpl::ListKinds() {
  return graph_->ListKinds();
}

absl::StatusOr<GraphPage> EngineImpl::DanglingEdges(const GraphRead& read,
                                                    EdgeVisitor visit) {
  return graph_->DanglingEdges(read, visit);
}

absl::StatusOr<WriteResult> Engine::PutEdge(
    std::string_view branch, Edge edge, std::optional<Revision> if_revision) {
  WriteBatch batch;
  batch.edges.push_back(EdgeMutation::Put(std::move(edge)));
  batch.edges.back().if_revision = if_revision;
  return Write(branch, batch);
}

absl::StatusOr<WriteResult> Engine::DeleteEdge(
    std::string_view branch, EdgeId id, std::optional<Revision> if_revision) {
  WriteBatch batch;
  batch.edges.push_back(EdgeMutation::Delete(id));
  batch.edges.back().if_revision = if_revision;
  return Write(branch, batch);
}

}  // namespace infinitedb
