// The read half of EngineImpl: Get, History, Scan and Query against one
// pinned snapshot.
#include "absl/strings/str_format.h"
#include "engine/db/engine_impl.h"
#include "engine/hilbert/hilbert.h"

namespace infinitedb {
namespace {

// Most Hilbert key ranges one box query is cut into: more ranges skip more
// non-matching records, but each costs a seek.
constexpr size_t kQueryKeyRangesMax = 256;

absl::Status CheckPoint(std::string_view field, const Point& point, int dims,
                        std::string_view space) {
  if (static_cast<int>(point.size()) == dims) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: space '%s' has %d dimensions, got %d coordinates",
                      field, space, dims, point.size()));
}

std::vector<hilbert::KeyRange> WholeSpace(int dims) {
  return {{std::string(hilbert::KeyBytes(dims), '\0'),
           std::string(hilbert::KeyBytes(dims), '\xff')}};
}

}  // namespace

absl::StatusOr<mvcc::SnapshotReader> EngineImpl::NewReader(
    const ReadOptions& options, std::string_view space_name, int* dims) {
  Revision current = CurrentRevision();
  if (options.as_of > current) {
    return absl::OutOfRangeError(
        absl::StrFormat("as_of: revision %d is beyond the current revision %d",
                        options.as_of, current));
  }
  Revision revision = options.as_of == 0 ? current : options.as_of;
  absl::StatusOr<manifest::SpaceEntry> space = catalog_->FindSpace(space_name);
  if (!space.ok()) return space.status();
  absl::StatusOr<std::vector<mvcc::BranchLevel>> chain =
      catalog_->BranchChain(options.branch, revision);
  if (!chain.ok()) return chain.status();
  *dims = space->dims;
  std::shared_ptr<mvcc::MemTable> memtable = memtable_;
  return mvcc::SnapshotReader([memtable] { return memtable->NewIterator(); },
                              std::move(*chain), space->id, space->dims);
}

absl::StatusOr<std::optional<Record>> EngineImpl::Get(
    const ReadOptions& options, std::string_view space, const Point& point) {
  int dims = 0;
  absl::StatusOr<mvcc::SnapshotReader> reader =
      NewReader(options, space, &dims);
  if (!reader.ok()) return reader.status();
  if (absl::Status s = CheckPoint("point", point, dims, space); !s.ok()) {
    return s;
  }
  return reader->Get(point);
}

absl::StatusOr<std::vector<Record>> EngineImpl::History(
    const ReadOptions& options, std::string_view space, const Point& point) {
  int dims = 0;
  absl::StatusOr<mvcc::SnapshotReader> reader =
      NewReader(options, space, &dims);
  if (!reader.ok()) return reader.status();
  if (absl::Status s = CheckPoint("point", point, dims, space); !s.ok()) {
    return s;
  }
  return reader->History(point);
}

absl::Status EngineImpl::Scan(const ReadOptions& options,
                              std::string_view space, RecordVisitor visit) {
  int dims = 0;
  absl::StatusOr<mvcc::SnapshotReader> reader =
      NewReader(options, space, &dims);
  if (!reader.ok()) return reader.status();
  return reader->Scan(WholeSpace(dims), nullptr, visit);
}

absl::Status EngineImpl::Query(const ReadOptions& options,
                               std::string_view space, const Box& box,
                               RecordVisitor visit) {
  int dims = 0;
  absl::StatusOr<mvcc::SnapshotReader> reader =
      NewReader(options, space, &dims);
  if (!reader.ok()) return reader.status();
  if (absl::Status s = CheckPoint("box.min", box.min, dims, space); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckPoint("box.max", box.max, dims, space); !s.ok()) {
    return s;
  }
  for (int axis = 0; axis < dims; ++axis) {
    if (box.min[axis] > box.max[axis]) {
      return absl::InvalidArgumentError(
          absl::StrFormat("box: min[%d] = %d is greater than max[%d] = %d",
                          axis, box.min[axis], axis, box.max[axis]));
    }
  }
  std::vector<hilbert::KeyRange> ranges =
      hilbert::CoveringRanges(box.min, box.max, kQueryKeyRangesMax);
  return reader->Scan(ranges, &box, visit);
}

absl::StatusOr<std::vector<Record>> ScanAll(Engine& engine,
                                            const ReadOptions& options,
                                            std::string_view space) {
  std::vector<Record> records;
  absl::Status status =
      engine.Scan(options, space, [&records](const RecordView& view) {
        records.push_back(
            {view.point(), std::string(view.value), view.stamp, view.deleted});
        return true;
      });
  if (!status.ok()) return status;
  return records;
}

absl::StatusOr<std::vector<Record>> QueryAll(Engine& engine,
                                             const ReadOptions& options,
                                             std::string_view space,
                                             const Box& box) {
  std::vector<Record> records;
  absl::Status status =
      engine.Query(options, space, box, [&records](const RecordView& view) {
        records.push_back(
            {view.point(), std::string(view.value), view.stamp, view.deleted});
        return true;
      });
  if (!status.ok()) return status;
  return records;
}

}  // namespace infinitedb
