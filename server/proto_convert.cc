#include "server/proto_convert.h"

#include "absl/strings/str_format.h"

namespace infinitedb::server {

absl::StatusOr<Point> PointFrom(const v1::Point& point, bool present,
                                std::string_view field) {
  if (!present || point.coordinates_size() == 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: required (1 to %d coordinates)", field, kMaxDims));
  }
  if (point.coordinates_size() > kMaxDims) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %d coordinates, at most %d", field,
                        point.coordinates_size(), kMaxDims));
  }
  return Point(point.coordinates().begin(), point.coordinates().end());
}

absl::StatusOr<Box> BoxFrom(const v1::Box& box, std::string_view field) {
  absl::StatusOr<Point> min =
      PointFrom(box.min(), box.has_min(), absl::StrFormat("%s.min", field));
  if (!min.ok()) return min.status();
  absl::StatusOr<Point> max =
      PointFrom(box.max(), box.has_max(), absl::StrFormat("%s.max", field));
  if (!max.ok()) return max.status();
  return Box{std::move(*min), std::move(*max)};
}

void ToProto(const Point& point, v1::Point* out) {
  out->mutable_coordinates()->Assign(point.begin(), point.end());
}

void ToProto(const CommitStamp& stamp, v1::CommitStamp* out) {
  out->set_revision(stamp.revision);
  out->set_hlc(stamp.hlc);
  out->set_origin(stamp.origin);
}

void ToProto(const Record& record, v1::Record* out) {
  ToProto(record.point, out->mutable_point());
  out->set_value(record.value);
  ToProto(record.stamp, out->mutable_stamp());
  out->set_deleted(record.deleted);
}

void ToProto(const RecordView& record, v1::Record* out) {
  auto* coordinates = out->mutable_point()->mutable_coordinates();
  coordinates->Reserve(record.dims());
  for (int axis = 0; axis < record.dims(); ++axis) {
    coordinates->Add(record.coordinate(axis));
  }
  out->set_value(record.value.data(), record.value.size());
  ToProto(record.stamp, out->mutable_stamp());
  out->set_deleted(record.deleted);
}

ReadOptions ReadOptionsFrom(const v1::ReadOptions& read) {
  return ReadOptions{BranchOrMain(read.branch()), read.as_of()};
}

ReadOptions PinnedReadOptions(const v1::ReadOptions& read, Engine& engine) {
  ReadOptions options = ReadOptionsFrom(read);
  if (options.as_of == 0) options.as_of = engine.CurrentRevision();
  return options;
}

absl::Status CheckRequired(std::string_view value, std::string_view field) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat("%s: required", field));
}

absl::StatusOr<Mutation> MutationFrom(const v1::Mutation& m,
                                      std::string_view field) {
  if (absl::Status s = CheckRequired(m.space(), std::string(field) + ".space");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Point> point =
      PointFrom(m.point(), m.has_point(), std::string(field) + ".point");
  if (!point.ok()) return point.status();
  if (m.kind_case() == v1::Mutation::KIND_NOT_SET) {
    return absl::InvalidArgumentError(std::string(field) +
                                      ": set put_value or delete");
  }
  Mutation mutation =
      m.kind_case() == v1::Mutation::kDelete
          ? Mutation::Delete(m.space(), std::move(*point))
          : Mutation::Put(m.space(), std::move(*point), m.put_value());
  mutation.if_revision = IfRevisionOf(m);
  return mutation;
}

std::string BranchOrMain(const std::string& branch) {
  return branch.empty() ? std::string(kMainBranch) : branch;
}

void ToProto(const ChangeOp& op, v1::ChangeOp* out) {
  out->set_branch(op.branch);
  out->set_space(op.space);
  ToProto(op.point, out->mutable_point());
  out->set_deleted(op.deleted);
  out->set_value(op.value);
  out->set_hlc(op.hlc);
  out->set_origin(op.origin);
}

absl::StatusOr<ChangeOp> ChangeOpFrom(const v1::ChangeOp& op,
                                      std::string_view field) {
  absl::StatusOr<Point> point =
      PointFrom(op.point(), op.has_point(), absl::StrFormat("%s.point", field));
  if (!point.ok()) return point.status();
  ChangeOp change;
  change.branch = BranchOrMain(op.branch());
  change.space = op.space();
  change.point = std::move(*point);
  change.deleted = op.deleted();
  change.value = op.value();
  change.hlc = op.hlc();
  change.origin = op.origin();
  return change;
}

}  // namespace infinitedb::server
