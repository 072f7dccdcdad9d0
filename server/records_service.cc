#include "server/records_service.h"

#include "absl/strings/str_format.h"
#include "server/page_limits.h"
#include "server/proto_convert.h"
#include "server/status_util.h"

namespace infinitedb::server {
namespace {

absl::StatusOr<QueryRequest> QueryFrom(const v1::QueryRequest& request,
                                       const ServiceContext& service) {
  if (absl::Status s = CheckRequired(request.space(), "space"); !s.ok()) {
    return s;
  }
  QueryRequest query;
  query.branch = BranchOrMain(request.read().branch());
  query.as_of = request.read().as_of();
  query.space = request.space();
  query.limit = request.limit();
  absl::StatusOr<std::string> cursor =
      service.cursors->Unseal("query", request.cursor(), "cursor");
  if (!cursor.ok()) return cursor.status();
  query.cursor = std::move(*cursor);
  if (request.has_box()) {
    absl::StatusOr<Box> box = BoxFrom(request.box(), "box");
    if (!box.ok()) return box.status();
    query.box = std::move(*box);
  } else if (request.has_scope()) {
    const auto& prefix = request.scope().prefix();
    if (prefix.empty() || prefix.size() > kMaxDims) {
      return absl::InvalidArgumentError(
          absl::StrFormat("scope.prefix: must pin 1 to %d axes, got %d",
                          kMaxDims, prefix.size()));
    }
    query.scope = Point(prefix.begin(), prefix.end());
  }
  return query;
}

// The point of a request that names one address (space + point), checked.
template <typename Request>
absl::StatusOr<Point> AddressPoint(const Request& request) {
  if (absl::Status s = CheckRequired(request.space(), "space"); !s.ok()) {
    return s;
  }
  return PointFrom(request.point(), request.has_point(), "point");
}

}  // namespace

grpc::Status RecordsService::Written(const absl::StatusOr<CommitStamp>& stamp,
                                     v1::WriteResponse* response) const {
  if (!stamp.ok()) return ToGrpcStatus(stamp.status());
  ToProto(*stamp, response->mutable_stamp());
  context_->FillHeader(stamp->revision, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status RecordsService::Put(grpc::ServerContext* call,
                                 const v1::PutRequest* request,
                                 v1::WriteResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kWrite, request->space(),
                                 BranchOrMain(request->branch())});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Point> point = AddressPoint(*request);
  if (!point.ok()) return ToGrpcStatus(point.status());
  return Written(
      context_->engine->Put(BranchOrMain(request->branch()), request->space(),
                            *point, request->value(), IfRevisionOf(*request)),
      response);
}

grpc::Status RecordsService::Delete(grpc::ServerContext* call,
                                    const v1::DeleteRequest* request,
                                    v1::WriteResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kWrite, request->space(),
                                 BranchOrMain(request->branch())});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Point> point = AddressPoint(*request);
  if (!point.ok()) return ToGrpcStatus(point.status());
  return Written(context_->engine->Delete(BranchOrMain(request->branch()),
                                          request->space(), *point,
                                          IfRevisionOf(*request)),
                 response);
}

grpc::Status RecordsService::Batch(grpc::ServerContext* call,
                                   const v1::BatchRequest* request,
                                   v1::WriteResponse* response) {
  absl::StatusOr<Caller> caller = context_->Identify(*call);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const std::string branch = BranchOrMain(request->branch());
  for (const v1::Mutation& mutation : request->mutations()) {
    if (grpc::Status s = context_->Require(
            *caller, {Permission::kWrite, mutation.space(), branch}, call);
        !s.ok()) {
      return s;
    }
  }
  std::vector<Mutation> mutations;
  mutations.reserve(request->mutations_size());
  for (int i = 0; i < request->mutations_size(); ++i) {
    absl::StatusOr<Mutation> mutation = MutationFrom(
        request->mutations(i), absl::StrFormat("mutations[%d]", i));
    if (!mutation.ok()) return ToGrpcStatus(mutation.status());
    mutations.push_back(std::move(*mutation));
  }
  return Written(
      context_->engine->Batch(BranchOrMain(request->branch()), mutations),
      response);
}

grpc::Status RecordsService::Get(grpc::ServerContext* call,
                                 const v1::GetRequest* request,
                                 v1::GetResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kRead, request->space(),
                                 BranchOrMain(request->read().branch())});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Point> point = AddressPoint(*request);
  if (!point.ok()) return ToGrpcStatus(point.status());
  ReadOptions options = PinnedReadOptions(request->read(), *context_->engine);
  absl::StatusOr<std::optional<Record>> record =
      context_->engine->Get(options, request->space(), *point);
  if (!record.ok()) return ToGrpcStatus(record.status());
  response->set_found(record->has_value());
  if (record->has_value()) ToProto(**record, response->mutable_record());
  context_->FillHeader(options.as_of, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status RecordsService::History(grpc::ServerContext* call,
                                     const v1::HistoryRequest* request,
                                     v1::HistoryResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kRead, request->space(),
                                 BranchOrMain(request->read().branch())});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Point> point = AddressPoint(*request);
  if (!point.ok()) return ToGrpcStatus(point.status());
  ReadOptions options = PinnedReadOptions(request->read(), *context_->engine);
  absl::StatusOr<std::vector<Record>> versions =
      context_->engine->History(options, request->space(), *point);
  if (!versions.ok()) return ToGrpcStatus(versions.status());
  for (const Record& version : *versions) {
    ToProto(version, response->add_versions());
  }
  context_->FillHeader(options.as_of, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status RecordsService::Query(
    grpc::ServerContext* context, const v1::QueryRequest* request,
    grpc::ServerWriter<v1::QueryResponse>* writer) {
  if (grpc::Status s =
          context_->Allow(context, {Permission::kRead, request->space(),
                                    BranchOrMain(request->read().branch())});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<QueryRequest> query = QueryFrom(*request, *context_);
  if (!query.ok()) return ToGrpcStatus(query.status());
  if (query->cursor.empty() && query->as_of == 0) {
    query->as_of = context_->engine->CurrentRevision();
  }
  v1::QueryResponse page;
  size_t page_bytes = 0;
  bool client_gone = false;
  absl::StatusOr<QueryResult> result =
      context_->engine->Query(*query, [&](const RecordView& record) {
        ToProto(record, page.add_records());
        page_bytes += record.value.size() + 8 * record.dims() + 32;
        if (page.records_size() < static_cast<int>(kPageItemsMax) &&
            page_bytes < kPageBytesMax) {
          return true;
        }
        // Blocks while the client is behind (HTTP/2 flow control).
        client_gone = context->IsCancelled() || !writer->Write(page);
        page.Clear();
        page_bytes = 0;
        return !client_gone;
      });
  if (client_gone) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
  }
  if (!result.ok()) return ToGrpcStatus(result.status());
  page.set_next_cursor(context_->cursors->Seal("query", result->next_cursor));
  page.set_done(true);
  context_->FillHeader(result->revision, page.mutable_header());
  // The last page goes out with the status, in one write (a small result
  // is then one message and its trailers, like a unary reply).
  writer->WriteLast(page, grpc::WriteOptions());
  return grpc::Status::OK;
}

grpc::Status RecordsService::Count(grpc::ServerContext* call,
                                   const v1::QueryRequest* request,
                                   v1::CountResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kRead, request->space(),
                                 BranchOrMain(request->read().branch())});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<QueryRequest> query = QueryFrom(*request, *context_);
  if (!query.ok()) return ToGrpcStatus(query.status());
  absl::StatusOr<QueryResult> result = context_->engine->Count(*query);
  if (!result.ok()) return ToGrpcStatus(result.status());
  response->set_count(result->count);
  response->set_next_cursor(
      context_->cursors->Seal("query", result->next_cursor));
  context_->FillHeader(result->revision, response->mutable_header());
  return grpc::Status::OK;
}

}  // namespace infinitedb::server
