// Stopping infdb-server's gRPC server on SIGTERM: no new calls from the
// start (clients get GOAWAY and reconnect elsewhere), the calls in flight
// get up to a grace period to finish, then whatever is still running is
// cancelled (its client sees CANCELLED) and every connection is closed.
// Idle connections are not waited for; after a call that ended less than a
// second ago, connections get the rest of that second to deliver its last
// responses (closing them at once could reset them).
#ifndef INFINITEDB_SERVER_GRACEFUL_SHUTDOWN_H_
#define INFINITEDB_SERVER_GRACEFUL_SHUTDOWN_H_

#include <chrono>

#include <grpcpp/server.h>

#include "server/in_flight_calls.h"
#include "spdlog/logger.h"

namespace infinitedb::server {

// Returns when the server has stopped (Server::Wait then returns at once).
// `calls` counts the server's calls (its interceptor is installed).
void ShutdownGracefully(grpc::Server& server, const InFlightCalls& calls,
                        std::chrono::milliseconds grace,
                        spdlog::logger& logger);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_GRACEFUL_SHUTDOWN_H_
