// infinitedb.v1.Admin over the engine.
#ifndef INFINITEDB_SERVER_ADMIN_SERVICE_H_
#define INFINITEDB_SERVER_ADMIN_SERVICE_H_

#include "infinitedb/v1/admin.grpc.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

class AdminService final : public v1::Admin::Service {
 public:
  explicit AdminService(const ServiceContext* context) : context_(context) {}

  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest* request,
                      v1::StatusResponse* response) override;
  grpc::Status Stats(grpc::ServerContext*, const v1::StatsRequest* request,
                     v1::StatsResponse* response) override;
  grpc::Status Flush(grpc::ServerContext*, const v1::FlushRequest* request,
                     v1::FlushResponse* response) override;
  grpc::Status Compact(grpc::ServerContext*, const v1::CompactRequest* request,
                       v1::CompactResponse* response) override;
  grpc::Status Backup(grpc::ServerContext* call,
                      const v1::BackupRequest* request,
                      grpc::ServerWriter<v1::BackupChunk>* writer) override;

 private:
  const ServiceContext* const context_;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_ADMIN_SERVICE_H_
