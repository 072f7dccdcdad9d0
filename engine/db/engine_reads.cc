// The read half of EngineImpl: Get, History, Query and Count against one
// pinned snapshot.
#include <functional>

#include "absl/strings/str_format.h"
#include "engine/db/engine_impl.h"
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

// A reader pinned to one revision of one space on one branch.
struct EngineImpl::Snapshot {
  mvcc::SnapshotReader reader;
  Revision revision;
  int dims;
  size_t memtable_entries;  // in the pinned memtables, of any space
};

absl::StatusOr<EngineImpl::Snapshot> EngineImpl::NewSnapshot(
    std::string_view branch, Revision as_of, std::string_view space_name) {
  Revision current = CurrentRevision();
  // Pin the sources after reading the revision: they hold at least every
  // commit up to it (sealing moves data between sources atomically).
  std::shared_ptr<const ReadState> state = PinState();
  if (as_of > current) {
    return absl::OutOfRangeError(
        absl::StrFormat("as_of: revision %d is beyond the current revision %d",
                        as_of, current));
  }
  Revision revision = as_of == 0 ? current : as_of;
  Revision horizon = catalog_->history_horizon();
  if (revision < horizon) {
    return absl::OutOfRangeError(absl::StrFormat(
        "as_of: revision %d is older than retained history (oldest readable "
        "revision: %d)",
        revision, horizon));
  }
  absl::StatusOr<manifest::SpaceEntry> space = catalog_->FindSpace(space_name);
  if (!space.ok()) return space.status();
  absl::StatusOr<std::vector<mvcc::BranchLevel>> chain =
      catalog_->BranchChain(branch, revision);
  if (!chain.ok()) return chain.status();
  size_t memtable_entries = state->active->entry_count();
  for (const FrozenMemTable& frozen : state->frozen) {
    memtable_entries += frozen.table->entry_count();
  }
  return Snapshot{
      mvcc::SnapshotReader(SourcesFor(std::move(state), space->id),
                           std::move(*chain), space->id, space->dims),
      revision, space->dims, memtable_entries};
}

absl::StatusOr<std::optional<Record>> EngineImpl::Get(
    const ReadOptions& options, std::string_view space, const Point& point) {
  absl::StatusOr<Snapshot> snapshot =
      NewSnapshot(options.branch, options.as_of, space);
  if (!snapshot.ok()) return snapshot.status();
  if (absl::Status s = CheckPoint(point, snapshot->dims, space); !s.ok()) {
    return s;
  }
  return snapshot->reader.Get(point);
}

absl::StatusOr<std::vector<Record>> EngineImpl::History(
    const ReadOptions& options, std::string_view space, const Point& point) {
  absl::StatusOr<Snapshot> snapshot =
      NewSnapshot(options.branch, options.as_of, space);
  if (!snapshot.ok()) return snapshot.status();
  if (absl::Status s = CheckPoint(point, snapshot->dims, space); !s.ok()) {
    return s;
  }
  return snapshot->reader.History(point);
}

absl::StatusOr<QueryResult> EngineImpl::Query(const QueryRequest& request,
                                              RecordVisitor visit) {
  Revision as_of = request.as_of;
  std::string resume_after;
  if (!request.cursor.empty()) {
    absl::StatusOr<manifest::SpaceEntry> space =
        catalog_->FindSpace(request.space);
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
  absl::StatusOr<Snapshot> snapshot =
      NewSnapshot(request.branch, as_of, request.space);
  if (!snapshot.ok()) return snapshot.status();
  absl::StatusOr<QueryPlan> plan = PlanQuery(
      request, snapshot->dims, resume_after, snapshot->memtable_entries > 0);
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

absl::StatusOr<QueryResult> EngineImpl::Count(const QueryRequest& request) {
  return Query(request, [](const RecordView&) { return true; });
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
