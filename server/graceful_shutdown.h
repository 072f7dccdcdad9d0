// Stopping infdb-server's gRPC server on SIGTERM, without losing the end of
// a response:
//  1. the calls in flight get up to a grace period to finish (calls that
//     arrive meanwhile are served too: the health service already says
//     NOT_SERVING, so balancers send new work elsewhere);
//  2. once none is running, what they sent gets the rest of the grace
//     period to reach the clients' machines (unsent_bytes.h: closing a
//     connection earlier could reset it and lose the end of a stream that
//     a client reads slowly);
//  3. then the server sends GOAWAY and closes every connection, idle ones
//     included (they are not waited for); a call still running at the end
//     of the grace period is cancelled (its client sees CANCELLED).
#ifndef INFINITEDB_SERVER_GRACEFUL_SHUTDOWN_H_
#define INFINITEDB_SERVER_GRACEFUL_SHUTDOWN_H_

#include <chrono>

#include <grpcpp/server.h>

#include "server/in_flight_calls.h"
#include "spdlog/logger.h"

namespace infinitedb::server {

// Returns when the server has stopped (Server::Wait then returns at once).
// `calls` counts the server's calls (its interceptor is installed); `port`
// is the one the server listens on.
void ShutdownGracefully(grpc::Server& server, const InFlightCalls& calls,
                        int port, std::chrono::milliseconds grace,
                        spdlog::logger& logger);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_GRACEFUL_SHUTDOWN_H_
