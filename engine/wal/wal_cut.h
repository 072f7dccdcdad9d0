// Where a WAL segment's frames of revisions up to R end, for a backup that
// copies the log only up to its revision (wal_format.h: each frame's
// payload starts with its revision, and revisions increase along the log).
#ifndef INFINITEDB_ENGINE_WAL_WAL_CUT_H_
#define INFINITEDB_ENGINE_WAL_WAL_CUT_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/public/types.h"

namespace infinitedb::wal {

// The offset in `data` (a segment's bytes) just after the last whole frame
// whose revision is <= `revision`: where a frame above it, a torn tail or
// the end of the data starts. DataLoss when a frame in the middle is bad.
absl::StatusOr<uint64_t> EndOfRevisions(std::string_view data,
                                        Revision revision);

}  // namespace infinitedb::wal

#endif  // INFINITEDB_ENGINE_WAL_WAL_CUT_H_
