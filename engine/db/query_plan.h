// Turns a QueryRequest into what the snapshot reader runs: the box filter
// and the Hilbert key ranges to visit, resuming after a cursor. Also owns the
// cursor's format.
//
// Cursor (opaque to users), all integers little-endian:
//   version   u8    1
//   revision  u64   the revision the first page read
//   dims      u8    dimensions of the space
//   last_key  4*dims bytes   Hilbert key of the last record returned
#ifndef INFINITEDB_ENGINE_DB_QUERY_PLAN_H_
#define INFINITEDB_ENGINE_DB_QUERY_PLAN_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/hilbert/hilbert.h"
#include "engine/public/engine.h"

namespace infinitedb {

struct QueryPlan {
  std::optional<Box> box;  // none: the whole space
  std::vector<hilbert::KeyRange> ranges;
};

// Validates the shape (box dims and min <= max, scope length) for space
// `space_id` of `dims` dimensions and plans the ranges; `resume_after` (a
// Hilbert key, or empty) drops everything up to and including it. Without
// `use_key_ranges` a box query visits the whole key space and relies on the
// sources to skip points outside the box (sealed segments do so with their
// R-trees and run bounds; cutting the box into Hilbert ranges only pays off for
// memtables).
absl::StatusOr<QueryPlan> PlanQuery(const QueryRequest& request,
                                    uint32_t space_id, int dims,
                                    std::string_view resume_after,
                                    bool use_key_ranges);

struct DecodedCursor {
  Revision revision = 0;
  std::string last_key;
};

std::string EncodeCursor(Revision revision, int dims,
                         std::string_view last_key);
// InvalidArgument naming "cursor" when malformed or for another space shape.
absl::StatusOr<DecodedCursor> DecodeCursor(std::string_view cursor, int dims);

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_QUERY_PLAN_H_
