// infinitedb.v1.Replication over the engine: the Subscribe change stream
// (full copy, retained history from the WAL, then live changes, with
// acknowledgements tracked in the SubscriberRegistry) and the replication
// status.
#ifndef INFINITEDB_SERVER_REPLICATION_SERVICE_H_
#define INFINITEDB_SERVER_REPLICATION_SERVICE_H_

#include <atomic>

#include "infinitedb/v1/replication.grpc.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

class ReplicationService final : public v1::Replication::Service {
 public:
  explicit ReplicationService(const ServiceContext* context)
      : context_(context) {}

  grpc::Status Subscribe(
      grpc::ServerContext* call,
      grpc::ServerReaderWriter<v1::SubscribeResponse, v1::SubscribeMessage>*
          stream) override;
  grpc::Status Status(grpc::ServerContext*,
                      const v1::ReplicationStatusRequest* request,
                      v1::ReplicationStatusResponse* response) override;
  grpc::Status ForgetSubscriber(
      grpc::ServerContext*, const v1::ForgetSubscriberRequest* request,
      v1::ForgetSubscriberResponse* response) override;

  // Ends every open stream (UNAVAILABLE) so that shutdown need not wait.
  void Stop() { stopping_.store(true); }

 private:
  const ServiceContext* const context_;
  std::atomic<bool> stopping_{false};
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_REPLICATION_SERVICE_H_
