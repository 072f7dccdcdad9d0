// Types of the change stream (committed changes read back from the WAL) and
// of replication (changes applied from another server with
// last-writer-wins). Part of the engine's public API, beside types.h.
#ifndef INFINITEDB_ENGINE_PUBLIC_CHANGES_H_
#define INFINITEDB_ENGINE_PUBLIC_CHANGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/public/types.h"

namespace infinitedb {

// One operation of a committed change, with the stamp it was made with:
// (hlc, origin) is what last-writer-wins compares.
struct ChangeOp {
  std::string branch;
  std::string space;
  Point point;
  bool deleted = false;
  std::string value;  // empty for a delete
  uint64_t hlc = 0;
  uint32_t origin = 0;
};

// Every operation of one revision: a change set is atomic.
struct ChangeSet {
  Revision revision = 0;
  std::vector<ChangeOp> ops;
};

// Where a change read continues. `after` is the last revision read; the
// other fields only speed up the next read (0 = unknown).
struct ChangeCursor {
  Revision after = 0;
  uint64_t wal_segment = 0;
  uint64_t wal_offset = 0;
};

struct ChangeBatch {
  std::vector<ChangeSet> changes;  // increasing revisions
  ChangeCursor next;               // pass to the next read
};

// The outcome of applying a batch of replicated changes.
struct ReplicationApplyResult {
  CommitStamp stamp;     // the local revision that holds them
  uint64_t applied = 0;  // operations that won and were written
  uint64_t stale = 0;    // operations that lost to a newer or equal stamp
};

// Space names with this prefix are the engine's own (the replication
// cursors, the graph's edges and indexes); users cannot create them.
inline constexpr char kSystemSpacePrefix[] = "__";
inline constexpr char kReplicationCursorSpace[] = "__replication";
// The graph's edges: a system space whose changes are streamed (a server
// that applies them derives the edges' index entries itself).
inline constexpr char kGraphEdgesSpace[] = "__graph.edges";
// Branches created and dropped, spaces dropped (replication/
// catalog_events.h): streamed, so that every server has the same branches.
inline constexpr char kCatalogEventsSpace[] = "__catalog";
// The server's users, roles and access settings (replication/
// auth_records.h): streamed, so that every server grants the same.
inline constexpr char kAuthSpace[] = "__auth";

inline bool IsStreamedSpace(std::string_view name) {
  return !name.starts_with(kSystemSpacePrefix) || name == kGraphEdgesSpace ||
         name == kCatalogEventsSpace || name == kAuthSpace;
}

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_CHANGES_H_
