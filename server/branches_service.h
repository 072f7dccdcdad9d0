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
  grpc::Status DropBranch(grpc::ServerContext*,
                          const v1::DropBranchRequest* request,
                          v1::DropBranchResponse* response) override;
  grpc::Status GetBranchStatus(grpc::ServerContext*,
                               const v1::GetBranchStatusRequest* request,
                               v1::GetBranchStatusResponse* response) override;
  grpc::Status Diff(grpc::ServerContext*, const v1::DiffRequest* request,
                    v1::DiffResponse* response) override;
  grpc::Status Merge(grpc::ServerContext*, const v1::MergeRequest* request,
                     v1::MergeResponse* response) override;
  grpc::Status ListConflicts(grpc::ServerContext*,
                             const v1::ListConflictsRequest* request,
                             v1::ListConflictsResponse* response) override;
  grpc::Status ResolveConflict(grpc::ServerContext*,
                               const v1::ResolveConflictRequest* request,
                               v1::ResolveConflictResponse* response) override;
  grpc::Status CommitMerge(grpc::ServerContext*,
                           const v1::CommitMergeRequest* request,
                           v1::MergeResponse* response) override;
  grpc::Status AbortMerge(grpc::ServerContext*,
                          const v1::AbortMergeRequest* request,
                          v1::AbortMergeResponse* response) override;
  grpc::Status GetMergeStatus(grpc::ServerContext*,
                              const v1::GetMergeStatusRequest* request,
                              v1::GetMergeStatusResponse* response) override;

 private:
  const ServiceContext* const context_;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_BRANCHES_SERVICE_H_
