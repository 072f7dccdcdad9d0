// infinitedb.v1.Records over the engine: writes, point reads, history, and
// the streamed query with flow control.
#ifndef INFINITEDB_SERVER_RECORDS_SERVICE_H_
#define INFINITEDB_SERVER_RECORDS_SERVICE_H_

#include "infinitedb/v1/records.grpc.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

class RecordsService final : public v1::Records::Service {
 public:
  explicit RecordsService(const ServiceContext* context) : context_(context) {}

  grpc::Status Put(grpc::ServerContext*, const v1::PutRequest* request,
                   v1::WriteResponse* response) override;
  grpc::Status Delete(grpc::ServerContext*, const v1::DeleteRequest* request,
                      v1::WriteResponse* response) override;
  grpc::Status Batch(grpc::ServerContext*, const v1::BatchRequest* request,
                     v1::WriteResponse* response) override;
  grpc::Status Get(grpc::ServerContext*, const v1::GetRequest* request,
                   v1::GetResponse* response) override;
  grpc::Status History(grpc::ServerContext*, const v1::HistoryRequest* request,
                       v1::HistoryResponse* response) override;
  grpc::Status Query(grpc::ServerContext* context,
                     const v1::QueryRequest* request,
                     grpc::ServerWriter<v1::QueryResponse>* writer) override;
  grpc::Status Count(grpc::ServerContext*, const v1::QueryRequest* request,
                     v1::CountResponse* response) override;

 private:
  grpc::Status Written(const absl::StatusOr<CommitStamp>& stamp,
                       v1::WriteResponse* response) const;

  const ServiceContext* const context_;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_RECORDS_SERVICE_H_
