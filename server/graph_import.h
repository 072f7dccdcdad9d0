// One batch of Graph.ImportEdges: its edges converted and written as one
// commit, or refused whole with the index and status of the edge that
// failed (batches of one stream are independent of each other).
#ifndef INFINITEDB_SERVER_GRAPH_IMPORT_H_
#define INFINITEDB_SERVER_GRAPH_IMPORT_H_

#include "infinitedb/v1/graph.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

// The answer to `batch` (its `batch` index is left to the caller).
v1::ImportEdgesResponse ImportBatch(const ServiceContext& context,
                                    const v1::ImportEdgesRequest& batch);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_GRAPH_IMPORT_H_
