// Bounds of the pages that streamed answers (Records.Query, the graph's
// Incident, BoxIncident, EdgesByKind and DanglingEdges) are cut into. gRPC's
// flow control blocks the writer while the client is behind, so a stream never
// buffers more than about one page on the server.
#ifndef INFINITEDB_SERVER_PAGE_LIMITS_H_
#define INFINITEDB_SERVER_PAGE_LIMITS_H_

#include <cstddef>

namespace infinitedb::server {

// Most answers (records, incidences, edges) in one streamed message.
inline constexpr size_t kPageItemsMax = 1024;
// A message is sent once its answers reach about this many bytes.
inline constexpr size_t kPageBytesMax = 1 << 20;

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_PAGE_LIMITS_H_
