// PageStream: cuts a streamed answer of the graph (Incident, BoxIncident,
// EdgesByKind, DanglingEdges) into messages within the bounds of page_limits.h,
// the way Records.Query streams: the last message carries the header, the
// cursor and `done`.
#ifndef INFINITEDB_SERVER_PAGE_STREAM_H_
#define INFINITEDB_SERVER_PAGE_STREAM_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "engine/public/graph.h"
#include "server/page_limits.h"
#include "server/service_context.h"
#include "server/status_util.h"

namespace infinitedb::server {

// One stream's pages. Response has repeated answers, header, next_cursor
// and done (IncidentResponse, EdgesResponse). Used by one handler thread.
template <typename Response>
class PageStream {
 public:
  PageStream(grpc::ServerContext* context, grpc::ServerWriter<Response>* writer)
      : context_(context), writer_(writer) {}

  // The message being filled.
  Response& page() { return page_; }

  // Called after each answer added to page(), with its size: sends the
  // page once it is full (blocking while the client is behind). False once
  // the client has gone, which stops the engine's read.
  bool Added(size_t bytes) {
    ++page_items_;
    page_bytes_ += bytes;
    if (page_items_ < kPageItemsMax && page_bytes_ < kPageBytesMax) {
      return true;
    }
    client_gone_ = context_->IsCancelled() || !writer_->Write(page_);
    page_.Clear();
    page_items_ = 0;
    page_bytes_ = 0;
    return !client_gone_;
  }

  // Sends the last message (or returns the read's error), its cursor
  // sealed for `purpose` (the call's name).
  grpc::Status Finish(const absl::StatusOr<GraphPage>& result,
                      const ServiceContext& service, std::string_view purpose) {
    if (client_gone_) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
    }
    if (!result.ok()) return ToGrpcStatus(result.status());
    page_.set_next_cursor(service.cursors->Seal(purpose, result->next_cursor));
    page_.set_done(true);
    service.FillHeader(result->revision, page_.mutable_header());
    writer_->Write(page_);
    return grpc::Status::OK;
  }

 private:
  grpc::ServerContext* const context_;
  grpc::ServerWriter<Response>* const writer_;
  Response page_;
  size_t page_items_ = 0;
  size_t page_bytes_ = 0;
  bool client_gone_ = false;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_PAGE_STREAM_H_
