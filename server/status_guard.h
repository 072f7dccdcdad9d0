// What every status infdb-server sends looks like, whichever handler (or
// gRPC itself) made it: a gRPC server interceptor that rewrites the status
// just before it is sent.
//   - A request that does not parse as its method's message gets, from
//     gRPC's generated handlers, INTERNAL with an empty message; it goes
//     out as INVALID_ARGUMENT "request: could not parse ..." (our handlers
//     never return INTERNAL without a message).
//   - A message longer than kMaxStatusMessageBytes (one that quotes a huge
//     name the client sent, say) is cut there, on a UTF-8 boundary, with
//     "... (N bytes cut)": gRPC sends the message in a trailer, and one
//     past the client's metadata limit (8 KiB by default) would turn the
//     answer into RESOURCE_EXHAUSTED.
#ifndef INFINITEDB_SERVER_STATUS_GUARD_H_
#define INFINITEDB_SERVER_STATUS_GUARD_H_

#include <cstddef>
#include <memory>
#include <string>

#include <grpcpp/support/server_interceptor.h>

namespace infinitedb::server {

inline constexpr size_t kMaxStatusMessageBytes = 1024;

// The status message as it will be sent (cut when too long).
std::string BoundedStatusMessage(const std::string& message);

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewStatusGuardFactory();

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_STATUS_GUARD_H_
