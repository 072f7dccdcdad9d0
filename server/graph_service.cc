#include "server/graph_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "server/graph_convert.h"
#include "server/graph_import.h"
#include "server/graph_kinds.h"
#include "server/page_stream.h"
#include "server/proto_convert.h"
#include "server/status_util.h"

namespace infinitedb::server {
namespace {

v1::Incidence* AddAnswer(v1::IncidentResponse& page, const Incidence&) {
  return page.add_incidences();
}
v1::Edge* AddAnswer(v1::EdgesResponse& page, const Edge&) {
  return page.add_edges();
}

// Streams the answers of one paged graph read: `read` runs the engine call
// with a visitor that adds each answer (an Incidence or an Edge) to the
// current page.
// `purpose` names the call, so that its cursor serves no other call.
template <typename Answer, typename Response, typename Read>
grpc::Status StreamAnswers(grpc::ServerContext* context,
                           grpc::ServerWriter<Response>* writer,
                           const ServiceContext& service,
                           std::string_view purpose, Read read) {
  PageStream<Response> stream(context, writer);
  absl::StatusOr<GraphPage> result = read([&](const Answer& answer) {
    auto* out = AddAnswer(stream.page(), answer);
    ToProto(answer, out);
    return stream.Added(out->ByteSizeLong());
  });
  return stream.Finish(result, service, purpose);
}

// The read options of a paged graph read, its cursor (sealed for
// `purpose`) unsealed.
absl::StatusOr<GraphRead> PagedRead(const v1::ReadOptions& read, uint64_t limit,
                                    const std::string& cursor,
                                    std::string_view purpose,
                                    const ServiceContext& service) {
  absl::StatusOr<std::string> unsealed =
      service.cursors->Unseal(purpose, cursor, "cursor");
  if (!unsealed.ok()) return unsealed.status();
  return GraphReadFrom(read, limit, *unsealed, *service.engine);
}

absl::Status CheckId(uint64_t id, const char* field) {
  if (id != 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: required (non-zero)", field));
}

// The engine names edge mutation i "edges[i]", also for the fields of the
// edge it puts; in GraphWriteRequest those are edges[i].put.* and
// edges[i].delete_id.
absl::Status RequestPathOf(const absl::Status& status,
                           const WriteBatch& batch) {
  const int64_t index = EdgeIndexOf(status);
  if (index < 0 || index >= static_cast<int64_t>(batch.edges.size())) {
    return status;
  }
  const std::string mutation = absl::StrFormat("edges[%d]", index);
  if (batch.edges[index].kind == EdgeMutation::Kind::kDelete) {
    return RenameField(status, mutation + ".id", mutation + ".delete_id");
  }
  if (absl::StartsWith(status.message(), mutation + ".if_revision")) {
    return status;
  }
  return RenameField(status, mutation, mutation + ".put");
}

}  // namespace

grpc::Status GraphService::Allowed(grpc::ServerContext* call,
                                   Permission permission,
                                   const std::string& branch) const {
  return context_->Allow(call, {permission, kEverySpace, BranchOrMain(branch)});
}

grpc::Status GraphService::WriteOne(const std::string& branch,
                                    EdgeMutation mutation,
                                    v1::EdgeWriteResponse* response) const {
  const bool is_put = mutation.kind == EdgeMutation::Kind::kPut;
  WriteBatch batch;
  batch.edges.push_back(std::move(mutation));
  absl::StatusOr<WriteResult> result =
      context_->engine->Write(BranchOrMain(branch), batch);
  if (!result.ok()) {
    // The engine names the one mutation "edges[0]"; the request's fields
    // are `edge` (or `id`) and `if_revision`.
    absl::Status status =
        RenameField(result.status(), "edges[0].if_revision", "if_revision");
    if (!is_put) status = RenameField(status, "edges[0].id", "id");
    return ToGrpcStatus(
        RenameField(status, "edges[0]", is_put ? "edge" : "id"));
  }
  ToProto(result->stamp, response->mutable_stamp());
  if (!result->edge_ids.empty()) response->set_id(result->edge_ids[0]);
  context_->FillHeader(result->stamp.revision, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status GraphService::PutEdge(grpc::ServerContext* call,
                                   const v1::PutEdgeRequest* request,
                                   v1::EdgeWriteResponse* response) {
  if (grpc::Status s = Allowed(call, Permission::kWrite, request->branch());
      !s.ok()) {
    return s;
  }
  if (!request->has_edge()) {
    return ToGrpcStatus(absl::InvalidArgumentError("edge: required"));
  }
  absl::StatusOr<Edge> edge = EdgeFrom(request->edge(), "edge");
  if (!edge.ok()) return ToGrpcStatus(edge.status());
  EdgeMutation mutation = EdgeMutation::Put(std::move(*edge));
  mutation.if_revision = IfRevisionOf(*request);
  return WriteOne(request->branch(), std::move(mutation), response);
}

grpc::Status GraphService::DeleteEdge(grpc::ServerContext* call,
                                      const v1::DeleteEdgeRequest* request,
                                      v1::EdgeWriteResponse* response) {
  if (grpc::Status s = Allowed(call, Permission::kWrite, request->branch());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckId(request->id(), "id"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  EdgeMutation mutation = EdgeMutation::Delete(request->id());
  mutation.if_revision = IfRevisionOf(*request);
  return WriteOne(request->branch(), std::move(mutation), response);
}

grpc::Status GraphService::Write(grpc::ServerContext* call,
                                 const v1::GraphWriteRequest* request,
                                 v1::GraphWriteResponse* response) {
  if (grpc::Status s = Allowed(call, Permission::kWrite, request->branch());
      !s.ok()) {
    return s;
  }
  WriteBatch batch;
  batch.records.reserve(request->records_size());
  for (int i = 0; i < request->records_size(); ++i) {
    absl::StatusOr<Mutation> mutation =
        MutationFrom(request->records(i), absl::StrFormat("records[%d]", i));
    if (!mutation.ok()) return ToGrpcStatus(mutation.status());
    batch.records.push_back(std::move(*mutation));
  }
  batch.edges.reserve(request->edges_size());
  for (int i = 0; i < request->edges_size(); ++i) {
    absl::StatusOr<EdgeMutation> mutation =
        EdgeMutationFrom(request->edges(i), absl::StrFormat("edges[%d]", i));
    if (!mutation.ok()) return ToGrpcStatus(mutation.status());
    batch.edges.push_back(std::move(*mutation));
  }
  absl::StatusOr<WriteResult> result =
      context_->engine->Write(BranchOrMain(request->branch()), batch);
  if (!result.ok()) return ToGrpcStatus(RequestPathOf(result.status(), batch));
  ToProto(result->stamp, response->mutable_stamp());
  response->mutable_edge_ids()->Assign(result->edge_ids.begin(),
                                       result->edge_ids.end());
  context_->FillHeader(result->stamp.revision, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status GraphService::GetEdge(grpc::ServerContext* call,
                                   const v1::GetEdgeRequest* request,
                                   v1::GetEdgeResponse* response) {
  if (grpc::Status s =
          Allowed(call, Permission::kRead, request->read().branch());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckId(request->id(), "id"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  ReadOptions options = PinnedReadOptions(request->read(), *context_->engine);
  absl::StatusOr<std::optional<Edge>> edge =
      context_->engine->GetEdge(options, request->id());
  if (!edge.ok()) return ToGrpcStatus(edge.status());
  response->set_found(edge->has_value());
  if (edge->has_value()) ToProto(**edge, response->mutable_edge());
  context_->FillHeader(options.as_of, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status GraphService::EdgeHistory(grpc::ServerContext* call,
                                       const v1::EdgeHistoryRequest* request,
                                       v1::EdgeHistoryResponse* response) {
  if (grpc::Status s =
          Allowed(call, Permission::kRead, request->read().branch());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckId(request->id(), "id"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  ReadOptions options = PinnedReadOptions(request->read(), *context_->engine);
  absl::StatusOr<std::vector<Edge>> versions =
      context_->engine->EdgeHistory(options, request->id());
  if (!versions.ok()) return ToGrpcStatus(versions.status());
  for (const Edge& version : *versions) {
    ToProto(version, response->add_versions());
  }
  context_->FillHeader(options.as_of, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status GraphService::Incident(
    grpc::ServerContext* context, const v1::IncidentRequest* request,
    grpc::ServerWriter<v1::IncidentResponse>* writer) {
  if (grpc::Status s =
          Allowed(context, Permission::kRead, request->read().branch());
      !s.ok()) {
    return s;
  }
  absl::StatusOr<NodeRef> node =
      NodeRefFrom(request->node(), request->has_node(), "node");
  if (!node.ok()) return ToGrpcStatus(node.status());
  absl::StatusOr<EdgeFilter> filter =
      EdgeFilterFrom(request->filter(), "filter");
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  IncidentRequest incident;
  absl::StatusOr<GraphRead> read =
      PagedRead(request->read(), request->limit(), request->cursor(),
                "graph.Incident", *context_);
  if (!read.ok()) return ToGrpcStatus(read.status());
  incident.read = std::move(*read);
  incident.node = std::move(*node);
  incident.filter = std::move(*filter);
  return StreamAnswers<Incidence>(
      context, writer, *context_, "graph.Incident",
      [&](auto visit) { return context_->engine->Incident(incident, visit); });
}

grpc::Status GraphService::BoxIncident(
    grpc::ServerContext* context, const v1::BoxIncidentRequest* request,
    grpc::ServerWriter<v1::IncidentResponse>* writer) {
  if (grpc::Status s =
          Allowed(context, Permission::kRead, request->read().branch());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRequired(request->space(), "space"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (!request->has_box()) {
    return ToGrpcStatus(absl::InvalidArgumentError("box: required"));
  }
  absl::StatusOr<Box> box = BoxFrom(request->box(), "box");
  if (!box.ok()) return ToGrpcStatus(box.status());
  absl::StatusOr<EdgeFilter> filter =
      EdgeFilterFrom(request->filter(), "filter");
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  BoxIncidentRequest incident;
  absl::StatusOr<GraphRead> read =
      PagedRead(request->read(), request->limit(), request->cursor(),
                "graph.BoxIncident", *context_);
  if (!read.ok()) return ToGrpcStatus(read.status());
  incident.read = std::move(*read);
  incident.space = request->space();
  incident.box = std::move(*box);
  incident.filter = std::move(*filter);
  return StreamAnswers<Incidence>(
      context, writer, *context_, "graph.BoxIncident", [&](auto visit) {
        return context_->engine->BoxIncident(incident, visit);
      });
}

grpc::Status GraphService::EdgesByKind(
    grpc::ServerContext* context, const v1::EdgesByKindRequest* request,
    grpc::ServerWriter<v1::EdgesResponse>* writer) {
  if (grpc::Status s =
          Allowed(context, Permission::kRead, request->read().branch());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRequired(request->kind(), "kind"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  KindRequest kind;
  absl::StatusOr<GraphRead> read =
      PagedRead(request->read(), request->limit(), request->cursor(),
                "graph.EdgesByKind", *context_);
  if (!read.ok()) return ToGrpcStatus(read.status());
  kind.read = std::move(*read);
  kind.kind = request->kind();
  return StreamAnswers<Edge>(
      context, writer, *context_, "graph.EdgesByKind",
      [&](auto visit) { return context_->engine->EdgesByKind(kind, visit); });
}

grpc::Status GraphService::DanglingEdges(
    grpc::ServerContext* context, const v1::DanglingEdgesRequest* request,
    grpc::ServerWriter<v1::EdgesResponse>* writer) {
  if (grpc::Status s =
          Allowed(context, Permission::kRead, request->read().branch());
      !s.ok()) {
    return s;
  }
  absl::StatusOr<GraphRead> read =
      PagedRead(request->read(), request->limit(), request->cursor(),
                "graph.DanglingEdges", *context_);
  if (!read.ok()) return ToGrpcStatus(read.status());
  return StreamAnswers<Edge>(
      context, writer, *context_, "graph.DanglingEdges", [&](auto visit) {
        return context_->engine->DanglingEdges(*read, visit);
      });
}

grpc::Status GraphService::Degree(grpc::ServerContext* call,
                                  const v1::DegreeRequest* request,
                                  v1::DegreeResponse* response) {
  if (grpc::Status s =
          Allowed(call, Permission::kRead, request->read().branch());
      !s.ok()) {
    return s;
  }
  absl::StatusOr<NodeRef> node =
      NodeRefFrom(request->node(), request->has_node(), "node");
  if (!node.ok()) return ToGrpcStatus(node.status());
  absl::StatusOr<EdgeFilter> filter =
      EdgeFilterFrom(request->filter(), "filter");
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  IncidentRequest degree_request;
  degree_request.read =
      GraphReadFrom(request->read(), 0, "", *context_->engine);
  degree_request.node = std::move(*node);
  degree_request.filter = std::move(*filter);
  absl::StatusOr<infinitedb::Degree> degree =
      context_->engine->NodeDegree(degree_request);
  if (!degree.ok()) return ToGrpcStatus(degree.status());
  response->set_total(degree->total);
  response->set_outgoing(degree->outgoing);
  response->set_incoming(degree->incoming);
  response->set_neutral(degree->neutral);
  context_->FillHeader(degree->revision, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status GraphService::Traverse(grpc::ServerContext* call,
                                    const v1::TraverseRequest* request,
                                    v1::TraverseResponse* response) {
  if (grpc::Status s =
          Allowed(call, Permission::kRead, request->read().branch());
      !s.ok()) {
    return s;
  }
  TraverseRequest traverse;
  traverse.branch = BranchOrMain(request->read().branch());
  traverse.as_of = request->read().as_of();
  for (int i = 0; i < request->starts_size(); ++i) {
    absl::StatusOr<NodeRef> start =
        NodeRefFrom(request->starts(i), true, absl::StrFormat("starts[%d]", i));
    if (!start.ok()) return ToGrpcStatus(start.status());
    traverse.starts.push_back(std::move(*start));
  }
  if (traverse.starts.empty()) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("starts: at least one start node"));
  }
  absl::StatusOr<EdgeFilter> filter =
      EdgeFilterFrom(request->filter(), "filter");
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  traverse.filter = std::move(*filter);
  if (request->max_depth() != 0) traverse.max_depth = request->max_depth();
  if (request->max_nodes() != 0) traverse.max_nodes = request->max_nodes();
  traverse.b_connectivity = request->b_connectivity();
  absl::StatusOr<TraverseResult> result = context_->engine->Traverse(traverse);
  if (!result.ok()) return ToGrpcStatus(result.status());
  for (const TraverseResult::Reached& reached : result->nodes) {
    v1::ReachedNode* out = response->add_nodes();
    ToProto(reached.node, out->mutable_node());
    out->set_level(reached.level);
  }
  for (const TraverseResult::Walked& walked : result->edges) {
    v1::WalkedEdge* out = response->add_edges();
    out->set_id(walked.edge);
    out->set_level(walked.level);
  }
  response->set_truncated(result->truncated);
  context_->FillHeader(result->revision, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status GraphService::ShortestPath(grpc::ServerContext* call,
                                        const v1::ShortestPathRequest* request,
                                        v1::ShortestPathResponse* response) {
  if (grpc::Status s =
          Allowed(call, Permission::kRead, request->read().branch());
      !s.ok()) {
    return s;
  }
  PathRequest path;
  path.branch = BranchOrMain(request->read().branch());
  path.as_of = request->read().as_of();
  absl::StatusOr<NodeRef> from =
      NodeRefFrom(request->from(), request->has_from(), "from");
  if (!from.ok()) return ToGrpcStatus(from.status());
  absl::StatusOr<NodeRef> to =
      NodeRefFrom(request->to(), request->has_to(), "to");
  if (!to.ok()) return ToGrpcStatus(to.status());
  absl::StatusOr<EdgeFilter> filter =
      EdgeFilterFrom(request->filter(), "filter");
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  path.from = std::move(*from);
  path.to = std::move(*to);
  path.filter = std::move(*filter);
  path.weighted = request->weighted();
  if (request->max_depth() != 0) path.max_depth = request->max_depth();
  absl::StatusOr<PathResult> result = context_->engine->ShortestPath(path);
  if (!result.ok()) return ToGrpcStatus(result.status());
  for (const NodeRef& node : result->nodes) {
    ToProto(node, response->add_nodes());
  }
  response->mutable_edges()->Assign(result->edges.begin(), result->edges.end());
  response->set_total_weight(result->total_weight);
  context_->FillHeader(result->revision, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status GraphService::FindCycle(grpc::ServerContext* call,
                                     const v1::FindCycleRequest* request,
                                     v1::FindCycleResponse* response) {
  if (grpc::Status s =
          Allowed(call, Permission::kRead, request->read().branch());
      !s.ok()) {
    return s;
  }
  CycleRequest cycle;
  cycle.branch = BranchOrMain(request->read().branch());
  cycle.as_of = request->read().as_of();
  cycle.kinds.assign(request->kinds().begin(), request->kinds().end());
  absl::StatusOr<CycleResult> result = context_->engine->FindCycle(cycle);
  if (!result.ok()) return ToGrpcStatus(result.status());
  response->set_acyclic(result->acyclic);
  for (const NodeRef& node : result->nodes) {
    ToProto(node, response->add_nodes());
  }
  response->mutable_edges()->Assign(result->edges.begin(), result->edges.end());
  context_->FillHeader(result->revision, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status GraphService::ImportEdges(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportEdgesResponse, v1::ImportEdgesRequest>*
        stream) {
  absl::StatusOr<Caller> caller = context_->Identify(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  v1::ImportEdgesRequest batch;
  for (uint64_t index = 0; stream->Read(&batch); ++index) {
    if (grpc::Status s = context_->Require(
            *caller,
            {Permission::kWrite, kEverySpace, BranchOrMain(batch.branch())},
            context);
        !s.ok()) {
      return s;
    }
    v1::ImportEdgesResponse response = ImportBatch(*context_, batch);
    response.set_batch(index);
    if (context->IsCancelled() || !stream->Write(response)) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
    }
  }
  return grpc::Status::OK;
}

grpc::Status GraphService::DeclareKind(grpc::ServerContext* call,
                                       const v1::DeclareKindRequest* request,
                                       v1::DeclareKindResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kAdmin, kEverySpace, ""});
      !s.ok()) {
    return s;
  }
  return server::DeclareKind(*context_, *request, response);
}

grpc::Status GraphService::ListKinds(grpc::ServerContext* call,
                                     const v1::ListKindsRequest*,
                                     v1::ListKindsResponse* response) {
  if (absl::StatusOr<Caller> caller = context_->Identify(*call); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  return server::ListKinds(*context_, response);
}

}  // namespace infinitedb::server
