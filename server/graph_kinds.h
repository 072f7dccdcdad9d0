// The kind catalogue calls of the Graph service (DeclareKind, ListKinds):
// the request checked and converted to the engine's KindDeclaration, the
// engine's catalogue called, the answer converted back. GraphService's
// handlers delegate here.
#ifndef INFINITEDB_SERVER_GRAPH_KINDS_H_
#define INFINITEDB_SERVER_GRAPH_KINDS_H_

#include <grpcpp/grpcpp.h>

#include "infinitedb/v1/graph.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

// Errors name the request's fields ("kind: required", "roles[1]: ...").
grpc::Status DeclareKind(const ServiceContext& context,
                         const v1::DeclareKindRequest& request,
                         v1::DeclareKindResponse* response);
grpc::Status ListKinds(const ServiceContext& context,
                       v1::ListKindsResponse* response);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_GRAPH_KINDS_H_
