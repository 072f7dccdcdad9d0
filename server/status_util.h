// The one place where engine errors become gRPC statuses: absl and gRPC
// share the canonical codes, so the code and the message (which names the
// field) carry over unchanged.
#ifndef INFINITEDB_SERVER_STATUS_UTIL_H_
#define INFINITEDB_SERVER_STATUS_UTIL_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace infinitedb::server {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_STATUS_UTIL_H_
