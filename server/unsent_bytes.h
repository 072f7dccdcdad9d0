// How many bytes this host's TCP connections on a local port have sent
// that their peers have not acknowledged yet (/proc/net/tcp's tx_queue of
// the established sockets, IPv4 and IPv6). infdb-server's shutdown waits
// for it to reach zero before it lets gRPC close the connections: closing a
// socket whose peer still sends (flow-control window updates, as a slowly
// reading client does) resets it, and the reset throws away what the
// kernel had not delivered yet, the end of a stream included.
#ifndef INFINITEDB_SERVER_UNSENT_BYTES_H_
#define INFINITEDB_SERVER_UNSENT_BYTES_H_

#include <cstdint>

namespace infinitedb::server {

// The unacknowledged bytes of the established connections whose local port
// is `port` (the server's side of each connection to it); 0 when none, or
// when /proc/net is not readable (then there is nothing to wait for).
int64_t UnsentBytesOnPort(int port);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_UNSENT_BYTES_H_
