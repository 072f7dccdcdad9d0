// What a read asks for: the branch and revision of a Get or History
// (ReadOptions), and the shape, limit and cursor of a query (QueryRequest),
// with what a query answers besides its records (QueryResult).
#ifndef INFINITEDB_ENGINE_PUBLIC_READS_H_
#define INFINITEDB_ENGINE_PUBLIC_READS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "engine/public/types.h"

namespace infinitedb {

struct ReadOptions {
  std::string branch = kMainBranch;
  // Read as of this revision; 0 = the newest. A revision beyond the newest
  // is OutOfRange (its contents are not decided yet).
  Revision as_of = 0;
};

// A query: one space, one branch, one revision, one shape.
struct QueryRequest {
  std::string branch = kMainBranch;
  // 0 = the newest revision. A cursor pins the revision of its first page.
  Revision as_of = 0;
  std::string space;
  // The shape: a box, or a scope (the first scope.size() axes pinned to
  // these values, the others open: "all records of element 42"), or neither
  // (the whole space). Setting both is InvalidArgument.
  std::optional<Box> box;
  std::optional<Point> scope;
  // Most records to return; 0 = no limit. When the limit cuts the result
  // short, QueryResult::next_cursor resumes it.
  uint64_t limit = 0;
  // Also visit tombstones (RecordView::deleted): the newest version of
  // every address, deleted or not. Used to copy a database whole.
  bool include_tombstones = false;
  // Resume after the last record of a previous page (opaque bytes from
  // QueryResult::next_cursor); empty = from the start.
  std::string cursor;
};

struct QueryResult {
  Revision revision = 0;    // the revision the query read
  uint64_t count = 0;       // records visited (or counted)
  std::string next_cursor;  // empty when the result is complete
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_READS_H_
