// Diff between two sides (a branch at a revision each), per record address
// and per edge id, streamed in (space, key) order with a limit and a
// cursor.
//
// Cursor (opaque to users), integers little-endian:
//   version u8 (1) | from revision u64 | to revision u64 |
//   space (u32 length + bytes) | last key (u32 length + bytes)
#ifndef INFINITEDB_ENGINE_BRANCH_DIFFER_H_
#define INFINITEDB_ENGINE_BRANCH_DIFFER_H_

#include "absl/status/statusor.h"
#include "engine/branch/side_join.h"
#include "engine/public/branches.h"
#include "engine/version/version_set.h"

namespace infinitedb::branch {

absl::StatusOr<DiffPage> Diff(const version::VersionSet& versions,
                              const DiffRequest& request, DiffVisitor visit);

// InvalidArgument naming `field` unless `box` fits a space of `dims`.
absl::Status CheckBox(const Box& box, int dims, std::string_view field);

// Fills a diff entry (or a conflict's sides) for an address of `space`.
absl::Status FillDiffEntry(std::string_view space, const JoinedAddress& joined,
                           DiffEntry* entry);

}  // namespace infinitedb::branch

#endif  // INFINITEDB_ENGINE_BRANCH_DIFFER_H_
