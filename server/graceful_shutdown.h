// Stopping infdb-server's gRPC server on SIGTERM, without losing the end of
// a response:
//  1. until none is running and what they sent has reached the clients'
//     machines (unsent_bytes.h), for up to half the grace period, calls
//     are served as they come (the health service already says
//     NOT_SERVING, so balancers send new work elsewhere): gRPC closes a
//     connection as soon as its last call ends after a GOAWAY, and closing
//     it while a slow reader still has a stream's end in flight resets it
//     and loses that end;
//  2. then the server sends GOAWAY (no new calls) and the calls in flight
//     get the rest of the grace period, until they and their bytes are
//     delivered;
//  3. then every connection is closed, idle ones included (they are not
//     waited for); a call still running is cancelled (its client sees
//     CANCELLED).
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
