// The graph methods of Client (infdb_client.h): calls of the Graph service.
#include "client/infdb_client.h"

namespace infinitedb::client {
namespace {

// Reads a paged graph stream to its end (or until `on_item` returns false,
// then cancels it). `items` picks the answers out of one message.
template <typename Response, typename Item, typename Items>
absl::StatusOr<GraphPageSummary> ReadPages(
    grpc::ClientContext& context, grpc::ClientReader<Response>& reader,
    Items items, const std::function<bool(const Item&)>& on_item) {
  GraphPageSummary summary;
  Response page;
  bool stopped = false;
  while (!stopped && reader.Read(&page)) {
    for (const Item& item : items(page)) {
      ++summary.count;
      if (!on_item(item)) {
        stopped = true;
        break;
      }
    }
    if (page.done()) {
      summary.revision = page.header().revision();
      summary.next_cursor = page.next_cursor();
    }
  }
  if (stopped) {
    context.TryCancel();
    reader.Finish();
    summary.next_cursor.clear();
    return summary;
  }
  absl::Status status = FromGrpc(reader.Finish());
  if (!status.ok()) return status;
  return summary;
}

const auto& IncidencesOf(const v1::IncidentResponse& page) {
  return page.incidences();
}
const auto& EdgesOf(const v1::EdgesResponse& page) { return page.edges(); }

}  // namespace

absl::StatusOr<v1::EdgeWriteResponse> Client::PutEdge(
    const v1::PutEdgeRequest& request) {
  v1::EdgeWriteResponse response;
  absl::Status status =
      FromGrpc(graph_->PutEdge(NewContext().get(), request, &response));
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::EdgeWriteResponse> Client::DeleteEdge(
    const v1::DeleteEdgeRequest& request) {
  v1::EdgeWriteResponse response;
  absl::Status status =
      FromGrpc(graph_->DeleteEdge(NewContext().get(), request, &response));
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::GraphWriteResponse> Client::Write(
    const v1::GraphWriteRequest& request) {
  v1::GraphWriteResponse response;
  absl::Status status =
      FromGrpc(graph_->Write(NewContext().get(), request, &response));
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::GetEdgeResponse> Client::GetEdge(
    const v1::GetEdgeRequest& request) {
  return RetriedRead(graph_.get(), &v1::Graph::Stub::GetEdge, request);
}

absl::StatusOr<v1::EdgeHistoryResponse> Client::EdgeHistory(
    const v1::EdgeHistoryRequest& request) {
  return RetriedRead(graph_.get(), &v1::Graph::Stub::EdgeHistory, request);
}

absl::StatusOr<GraphPageSummary> Client::Incident(
    const v1::IncidentRequest& request,
    const std::function<bool(const v1::Incidence&)>& on_incidence) {
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  auto reader = graph_->Incident(context.get(), request);
  return ReadPages<v1::IncidentResponse, v1::Incidence>(
      *context, *reader, IncidencesOf, on_incidence);
}

absl::StatusOr<GraphPageSummary> Client::BoxIncident(
    const v1::BoxIncidentRequest& request,
    const std::function<bool(const v1::Incidence&)>& on_incidence) {
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  auto reader = graph_->BoxIncident(context.get(), request);
  return ReadPages<v1::IncidentResponse, v1::Incidence>(
      *context, *reader, IncidencesOf, on_incidence);
}

absl::StatusOr<GraphPageSummary> Client::EdgesByKind(
    const v1::EdgesByKindRequest& request,
    const std::function<bool(const v1::Edge&)>& on_edge) {
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  auto reader = graph_->EdgesByKind(context.get(), request);
  return ReadPages<v1::EdgesResponse, v1::Edge>(*context, *reader, EdgesOf,
                                                on_edge);
}

absl::StatusOr<v1::DegreeResponse> Client::Degree(
    const v1::DegreeRequest& request) {
  return RetriedRead(graph_.get(), &v1::Graph::Stub::Degree, request);
}

absl::StatusOr<v1::TraverseResponse> Client::Traverse(
    const v1::TraverseRequest& request) {
  return RetriedRead(graph_.get(), &v1::Graph::Stub::Traverse, request);
}

absl::StatusOr<v1::ShortestPathResponse> Client::ShortestPath(
    const v1::ShortestPathRequest& request) {
  return RetriedRead(graph_.get(), &v1::Graph::Stub::ShortestPath, request);
}

absl::StatusOr<v1::FindCycleResponse> Client::FindCycle(
    const v1::FindCycleRequest& request) {
  return RetriedRead(graph_.get(), &v1::Graph::Stub::FindCycle, request);
}

absl::Status Client::ImportEdges(
    const std::function<bool(v1::ImportEdgesRequest*)>& next_batch,
    const std::function<void(const v1::ImportEdgesResponse&)>& on_result) {
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  auto stream = graph_->ImportEdges(context.get());
  v1::ImportEdgesRequest batch;
  v1::ImportEdgesResponse response;
  // One batch in flight at a time: the server answers each before it
  // reads the next, so this never buffers more than one batch.
  while (next_batch(&batch)) {
    if (!stream->Write(batch) || !stream->Read(&response)) break;
    on_result(response);
    batch.Clear();
  }
  stream->WritesDone();
  while (stream->Read(&response)) on_result(response);
  return FromGrpc(stream->Finish());
}

absl::StatusOr<v1::DeclareKindResponse> Client::DeclareKind(
    const v1::DeclareKindRequest& request) {
  v1::DeclareKindResponse response;
  absl::Status status =
      FromGrpc(graph_->DeclareKind(NewContext().get(), request, &response));
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<std::vector<v1::KindDeclaration>> Client::ListKinds() {
  v1::ListKindsResponse response;
  absl::Status status = Retrying([&] {
    return graph_->ListKinds(NewContext().get(), v1::ListKindsRequest(),
                             &response);
  });
  if (!status.ok()) return status;
  return std::vector<v1::KindDeclaration>(response.kinds().begin(),
                                          response.kinds().end());
}

absl::StatusOr<GraphPageSummary> Client::DanglingEdges(
    const v1::DanglingEdgesRequest& request,
    const std::function<bool(const v1::Edge&)>& on_edge) {
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  auto reader = graph_->DanglingEdges(context.get(), request);
  return ReadPages<v1::EdgesResponse, v1::Edge>(*context, *reader, EdgesOf,
                                                on_edge);
}

}  // namespace infinitedb::client
