// infinitedb.v1.Branches over the engine.
#ifndef INFINITEDB_SERVER_BRANCHES_SERVICE_H_
#define INFINITEDB_SERVER_BRANCHES_SERVICE_H_

#include "infinitedb/v1/branches.grpc.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

class BranchesService final : public v1::Branches::Service {
 public:
  explicit BranchesService(const ServiceContext* context) : context_(context) {}

  grpc::Status CreateBranch(grpc::ServerContext*,
                            const v1::CreateBranchRequest* request,
                            v1::CreateBranchResponse* response) override;
  grpc::Status ListBranches(grpc::ServerContext*,
                            const v1::ListBranchesRequest* request,
                            v1::ListBranchesResponse* response) override;

 private:
  const ServiceContext* const context_;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_BRANCHES_SERVICE_H_
