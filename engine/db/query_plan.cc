#include "engine/db/query_plan.h"

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/mvcc/point_key.h"

namespace infinitedb {
namespace {

// Most Hilbert key ranges one box query is cut into: more ranges skip more
// non-matching records, but each costs a seek.
constexpr size_t kQueryKeyRangesMax = 64;
constexpr uint8_t kCursorVersion = 1;

absl::Status CheckCoordinates(std::string_view field, const Point& point,
                              int dims) {
  if (static_cast<int>(point.size()) == dims) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: the space has %d dimensions, got %d coordinates",
                      field, dims, point.size()));
}

absl::StatusOr<std::optional<Box>> ShapeBox(const QueryRequest& request,
                                            int dims) {
  if (request.box && request.scope) {
    return absl::InvalidArgumentError(
        "box: a query takes a box or a scope, not both");
  }
  if (request.box) {
    const Box& box = *request.box;
    if (absl::Status s = CheckCoordinates("box.min", box.min, dims); !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckCoordinates("box.max", box.max, dims); !s.ok()) {
      return s;
    }
    for (int axis = 0; axis < dims; ++axis) {
      if (box.min[axis] > box.max[axis]) {
        return absl::InvalidArgumentError(
            absl::StrFormat("box: min[%d] = %d is greater than max[%d] = %d",
                            axis, box.min[axis], axis, box.max[axis]));
      }
    }
    return box;
  }
  if (request.scope) {
    const Point& scope = *request.scope;
    if (scope.empty() || static_cast<int>(scope.size()) > dims) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "scope: must pin 1 to %d axes, got %d", dims, scope.size()));
    }
    Box box{Point(dims, 0), Point(dims, UINT32_MAX)};
    for (size_t axis = 0; axis < scope.size(); ++axis) {
      box.min[axis] = box.max[axis] = scope[axis];
    }
    return box;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<QueryPlan> PlanQuery(const QueryRequest& request,
                                    uint32_t space_id, int dims,
                                    std::string_view resume_after,
                                    bool use_key_ranges) {
  absl::StatusOr<std::optional<Box>> box = ShapeBox(request, dims);
  if (!box.ok()) return box.status();
  QueryPlan plan;
  plan.box = std::move(*box);
  // Keys with ordered axes cover a box with few, tight ranges: always use
  // them (an endpoint's index entries are one range).
  if (plan.box && (use_key_ranges || mvcc::OrderedAxes(space_id) > 0)) {
    plan.ranges =
        mvcc::KeyRangesCovering(space_id, *plan.box, kQueryKeyRangesMax);
  } else {
    plan.ranges = {{std::string(hilbert::KeyBytes(dims), '\0'),
                    std::string(hilbert::KeyBytes(dims), '\xff')}};
  }
  if (!resume_after.empty()) mvcc::DropKeysThrough(resume_after, &plan.ranges);
  return plan;
}

std::string EncodeCursor(Revision revision, int dims,
                         std::string_view last_key) {
  std::string cursor;
  cursor.push_back(static_cast<char>(kCursorVersion));
  PutFixed64(&cursor, revision);
  cursor.push_back(static_cast<char>(dims));
  cursor.append(last_key);
  return cursor;
}

absl::StatusOr<DecodedCursor> DecodeCursor(std::string_view cursor, int dims) {
  ByteReader reader(cursor);
  uint8_t version = 0, cursor_dims = 0;
  DecodedCursor decoded;
  std::string_view last_key;
  if (!reader.ReadByte(&version) || version != kCursorVersion ||
      !reader.ReadFixed64(&decoded.revision) ||
      !reader.ReadByte(&cursor_dims) || cursor_dims != dims ||
      decoded.revision == 0 ||
      !reader.ReadBytes(hilbert::KeyBytes(dims), &last_key) ||
      !reader.empty()) {
    return absl::InvalidArgumentError(
        "cursor: not a cursor of a query on this space");
  }
  decoded.last_key = std::string(last_key);
  return decoded;
}

}  // namespace infinitedb
