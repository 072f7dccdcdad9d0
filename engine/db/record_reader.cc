#include "engine/db/record_reader.h"

#include <functional>

#include "absl/strings/str_format.h"
#include "engine/db/query_plan.h"
#include "engine/hilbert/hilbert.h"
#include "engine/mvcc/internal_key.h"

namespace infinitedb {
namespace {

absl::Status CheckPoint(const Point& point, int dims, std::string_view space) {
  if (static_cast<int>(point.size()) == dims) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("point: space '%s' has %d dimensions, got %d coordinates",
                      space, dims, point.size()));
}

}  // namespace

absl::StatusOr<version::Snapshot> RecordReader::SnapshotOfPoint(
    const ReadOptions& options, std::string_view space,
    const Point& point) const {
  absl::StatusOr<version::Snapshot> snapshot =
      versions_->NewSnapshot(options.branch, options.as_of, space);
  if (!snapshot.ok()) return snapshot.status();
  if (absl::Status s = CheckPoint(point, snapshot->dims, space); !s.ok()) {
    return s;
  }
  return snapshot;
}

absl::StatusOr<std::optional<Record>> RecordReader::Get(
    const ReadOptions& options, std::string_view space,
    const Point& point) const {
  absl::StatusOr<version::Snapshot> snapshot =
      SnapshotOfPoint(options, space, point);
  if (!snapshot.ok()) return snapshot.status();
  return snapshot->reader.Get(point);
}

absl::StatusOr<std::vector<Record>> RecordReader::History(
    const ReadOptions& options, std::string_view space,
    const Point& point) const {
  absl::StatusOr<version::Snapshot> snapshot =
      SnapshotOfPoint(options, space, point);
  if (!snapshot.ok()) return snapshot.status();
  return snapshot->reader.History(point);
}

absl::StatusOr<QueryResult> RecordReader::Query(const QueryRequest& request,
                                                RecordVisitor visit) const {
  Revision as_of = request.as_of;
  std::string resume_after;
  if (!request.cursor.empty()) {
    absl::StatusOr<manifest::SpaceEntry> space =
        versions_->catalog().FindSpace(request.space);
    if (!space.ok()) return space.status();
    absl::StatusOr<DecodedCursor> cursor =
        DecodeCursor(request.cursor, space->dims);
    if (!cursor.ok()) return cursor.status();
    if (as_of != 0 && as_of != cursor->revision) {
      return absl::InvalidArgumentError(
          absl::StrFormat("cursor: it reads revision %d but as_of asks for %d",
                          cursor->revision, as_of));
    }
    as_of = cursor->revision;
    resume_after = std::move(cursor->last_key);
  }
  absl::StatusOr<version::Snapshot> snapshot =
      versions_->NewSnapshot(request.branch, as_of, request.space);
  if (!snapshot.ok()) return snapshot.status();
  absl::StatusOr<QueryPlan> plan =
      PlanQuery(request, snapshot->space_id, snapshot->dims, resume_after,
                snapshot->memtable_entries > 0);
  if (!plan.ok()) return plan.status();

  QueryResult result;
  result.revision = snapshot->revision;
  std::string last_key;
  bool more = false;
  absl::Status status = snapshot->reader.Scan(
      plan->ranges, plan->box ? &*plan->box : nullptr,
      request.include_tombstones, [&](const RecordView& version) {
        if (request.limit != 0 && result.count == request.limit) {
          more = true;  // one past the limit: the result continues
          return false;
        }
        ++result.count;
        bool go_on = visit(version);
        if (!go_on || request.limit != 0) {
          last_key.assign(mvcc::KeyHilbert(version.key));
        }
        if (!go_on) more = true;
        return go_on;
      });
  if (!status.ok()) return status;
  if (more) {
    result.next_cursor =
        EncodeCursor(result.revision, snapshot->dims, last_key);
  }
  return result;
}

absl::Status Engine::Scan(const ReadOptions& options, std::string_view space,
                          RecordVisitor visit) {
  QueryRequest request;
  request.branch = options.branch;
  request.as_of = options.as_of;
  request.space = std::string(space);
  return Query(request, visit).status();
}

absl::Status Engine::Query(const ReadOptions& options, std::string_view space,
                           const Box& box, RecordVisitor visit) {
  QueryRequest request;
  request.branch = options.branch;
  request.as_of = options.as_of;
  request.space = std::string(space);
  request.box = box;
  return Query(request, visit).status();
}

namespace {

// Runs `read` with a visitor that copies every record it is given.
absl::StatusOr<std::vector<Record>> Collect(
    const std::function<absl::Status(RecordVisitor)>& read) {
  std::vector<Record> records;
  absl::Status status = read([&records](const RecordView& view) {
    records.push_back(
        {view.point(), std::string(view.value), view.stamp, view.deleted});
    return true;
  });
  if (!status.ok()) return status;
  return records;
}

}  // namespace

absl::StatusOr<std::vector<Record>> ScanAll(Engine& engine,
                                            const ReadOptions& options,
                                            std::string_view space) {
  return Collect(
      [&](RecordVisitor visit) { return engine.Scan(options, space, visit); });
}

absl::StatusOr<std::vector<Record>> QueryAll(Engine& engine,
                                             const ReadOptions& options,
                                             std::string_view space,
                                             const Box& box) {
  return Collect([&](RecordVisitor visit) {
    return engine.Query(options, space, box, visit);
  });
}

}  // namespace infinitedb
