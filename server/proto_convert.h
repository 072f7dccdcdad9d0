// Conversions between protobuf messages and engine types, with the checks
// that a message is well formed (required fields present, at most 16
// coordinates). Errors are INVALID_ARGUMENT naming the field.
#ifndef INFINITEDB_SERVER_PROTO_CONVERT_H_
#define INFINITEDB_SERVER_PROTO_CONVERT_H_

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/public/engine.h"
#include "infinitedb/v1/common.pb.h"
#include "infinitedb/v1/records.pb.h"
#include "infinitedb/v1/replication.pb.h"

namespace infinitedb::server {

// A point from a message field named `field`; missing or with 0 or more
// than 16 coordinates is INVALID_ARGUMENT.
absl::StatusOr<Point> PointFrom(const v1::Point& point, bool present,
                                std::string_view field);
absl::StatusOr<Box> BoxFrom(const v1::Box& box, std::string_view field);
void ToProto(const Point& point, v1::Point* out);
void ToProto(const CommitStamp& stamp, v1::CommitStamp* out);
void ToProto(const Record& record, v1::Record* out);
void ToProto(const RecordView& record, v1::Record* out);
ReadOptions ReadOptionsFrom(const v1::ReadOptions& read);
// The same with as_of 0 resolved to the current revision, so that a
// response header names exactly the revision that was read.
ReadOptions PinnedReadOptions(const v1::ReadOptions& read, Engine& engine);
// The precondition of a request with a RevisionPrecondition if_revision
// field; nullopt when it is unset.
template <typename Request>
std::optional<Revision> IfRevisionOf(const Request& request) {
  if (!request.has_if_revision()) return std::nullopt;
  return request.if_revision().revision();
}
// Required string field: INVALID_ARGUMENT naming it when empty.
absl::Status CheckRequired(std::string_view value, std::string_view field);
// A record mutation of a batch; `field` names it in errors ("mutations[3]").
absl::StatusOr<Mutation> MutationFrom(const v1::Mutation& mutation,
                                      std::string_view field);
void ToProto(const ChangeOp& op, v1::ChangeOp* out);
// A replicated operation from a source server; `field` names it in errors.
absl::StatusOr<ChangeOp> ChangeOpFrom(const v1::ChangeOp& op,
                                      std::string_view field);
// An empty branch means main.
std::string BranchOrMain(const std::string& branch);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_PROTO_CONVERT_H_
