// infinitedb.v1.Graph over the engine: edge writes (alone, with records in
// one commit, and batched imports), edge reads and history, the streamed
// incidence, kind and dangling-edge reads, degree, traversal, shortest path
// and cycles, and the kind catalogue (graph_kinds.h).
#ifndef INFINITEDB_SERVER_GRAPH_SERVICE_H_
#define INFINITEDB_SERVER_GRAPH_SERVICE_H_

#include "infinitedb/v1/graph.grpc.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

class GraphService final : public v1::Graph::Service {
 public:
  explicit GraphService(const ServiceContext* context) : context_(context) {}

  grpc::Status PutEdge(grpc::ServerContext*, const v1::PutEdgeRequest* request,
                       v1::EdgeWriteResponse* response) override;
  grpc::Status DeleteEdge(grpc::ServerContext*,
                          const v1::DeleteEdgeRequest* request,
                          v1::EdgeWriteResponse* response) override;
  grpc::Status Write(grpc::ServerContext*, const v1::GraphWriteRequest* request,
                     v1::GraphWriteResponse* response) override;
  grpc::Status GetEdge(grpc::ServerContext*, const v1::GetEdgeRequest* request,
                       v1::GetEdgeResponse* response) override;
  grpc::Status EdgeHistory(grpc::ServerContext*,
                           const v1::EdgeHistoryRequest* request,
                           v1::EdgeHistoryResponse* response) override;
  grpc::Status Incident(
      grpc::ServerContext* context, const v1::IncidentRequest* request,
      grpc::ServerWriter<v1::IncidentResponse>* writer) override;
  grpc::Status BoxIncident(
      grpc::ServerContext* context, const v1::BoxIncidentRequest* request,
      grpc::ServerWriter<v1::IncidentResponse>* writer) override;
  grpc::Status EdgesByKind(
      grpc::ServerContext* context, const v1::EdgesByKindRequest* request,
      grpc::ServerWriter<v1::EdgesResponse>* writer) override;
  grpc::Status Degree(grpc::ServerContext*, const v1::DegreeRequest* request,
                      v1::DegreeResponse* response) override;
  grpc::Status Traverse(grpc::ServerContext*,
                        const v1::TraverseRequest* request,
                        v1::TraverseResponse* response) override;
  grpc::Status ShortestPath(grpc::ServerContext*,
                            const v1::ShortestPathRequest* request,
                            v1::ShortestPathResponse* response) override;
  grpc::Status FindCycle(grpc::ServerContext*,
                         const v1::FindCycleRequest* request,
                         v1::FindCycleResponse* response) override;
  grpc::Status ImportEdges(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ImportEdgesResponse, v1::ImportEdgesRequest>*
          stream) override;
  grpc::Status DeclareKind(grpc::ServerContext*,
                           const v1::DeclareKindRequest* request,
                           v1::DeclareKindResponse* response) override;
  grpc::Status ListKinds(grpc::ServerContext*, const v1::ListKindsRequest*,
                         v1::ListKindsResponse* response) override;
  grpc::Status DanglingEdges(
      grpc::ServerContext* context, const v1::DanglingEdgesRequest* request,
      grpc::ServerWriter<v1::EdgesResponse>* writer) override;

 private:
  // The caller's `permission` on every space (edges join spaces) at
  // `branch` (empty: main).
  grpc::Status Allowed(grpc::ServerContext* call, Permission permission,
                       const std::string& branch) const;
  // One edge write (PutEdge, DeleteEdge) and its answer.
  grpc::Status WriteOne(const std::string& branch, EdgeMutation mutation,
                        v1::EdgeWriteResponse* response) const;

  const ServiceContext* const context_;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_GRAPH_SERVICE_H_
