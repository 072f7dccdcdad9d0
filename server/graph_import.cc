#include "server/graph_import.h"

#include "absl/strings/str_format.h"
#include "server/graph_convert.h"
#include "server/proto_convert.h"

namespace infinitedb::server {

v1::ImportEdgesResponse ImportBatch(const ServiceContext& context,
                                    const v1::ImportEdgesRequest& batch) {
  v1::ImportEdgesResponse response;
  auto refused = [&](const absl::Status& status) {
    v1::ImportError* error = response.mutable_error();
    error->set_edge_index(EdgeIndexOf(status));
    error->set_code(static_cast<uint32_t>(status.code()));
    error->set_message(std::string(status.message()));
    context.FillHeader(response.mutable_header());
    return response;
  };
  if (batch.edges_size() == 0) {
    return refused(absl::InvalidArgumentError("edges: at least one edge"));
  }
  WriteBatch write;
  write.edges.reserve(batch.edges_size());
  for (int i = 0; i < batch.edges_size(); ++i) {
    absl::StatusOr<Edge> edge =
        EdgeFrom(batch.edges(i), absl::StrFormat("edges[%d]", i));
    if (!edge.ok()) return refused(edge.status());
    write.edges.push_back(EdgeMutation::Put(std::move(*edge)));
  }
  absl::StatusOr<WriteResult> result =
      context.engine->Write(BranchOrMain(batch.branch()), write);
  if (!result.ok()) return refused(result.status());
  response.set_written(true);
  ToProto(result->stamp, response.mutable_stamp());
  response.mutable_edge_ids()->Assign(result->edge_ids.begin(),
                                      result->edge_ids.end());
  context.FillHeader(result->stamp.revision, response.mutable_header());
  return response;
}

}  // namespace infinitedb::server
