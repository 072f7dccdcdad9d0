// infinitedb.v1.Spaces over the engine.
#ifndef INFINITEDB_SERVER_SPACES_SERVICE_H_
#define INFINITEDB_SERVER_SPACES_SERVICE_H_

#include "infinitedb/v1/spaces.grpc.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

class SpacesService final : public v1::Spaces::Service {
 public:
  explicit SpacesService(const ServiceContext* context) : context_(context) {}

  grpc::Status CreateSpace(grpc::ServerContext*,
                           const v1::CreateSpaceRequest* request,
                           v1::CreateSpaceResponse* response) override;
  grpc::Status GetSpace(grpc::ServerContext*,
                        const v1::GetSpaceRequest* request,
                        v1::GetSpaceResponse* response) override;
  grpc::Status ListSpaces(grpc::ServerContext*,
                          const v1::ListSpacesRequest* request,
                          v1::ListSpacesResponse* response) override;
  grpc::Status DropSpace(grpc::ServerContext*,
                         const v1::DropSpaceRequest* request,
                         v1::DropSpaceResponse* response) override;

 private:
  const ServiceContext* const context_;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_SPACES_SERVICE_H_
