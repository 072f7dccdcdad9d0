// The change stream read back from the WAL: committed change sets with
// branch and space names, leaving out system spaces, dropped spaces and
// commits left empty by that (Engine::ReadChanges).
#ifndef INFINITEDB_ENGINE_REPLICATION_CHANGE_STREAM_H_
#define INFINITEDB_ENGINE_REPLICATION_CHANGE_STREAM_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "engine/public/changes.h"
#include "engine/version/version_set.h"
#include "engine/wal/wal_segment_set.h"

namespace infinitedb::replication {

// The change sets after `from.after`, up to the visible revision, about
// `max_bytes` at a time (at least one change set when there is one).
absl::StatusOr<ChangeBatch> ReadChanges(const version::VersionSet& versions,
                                        const wal::WalSegmentSet& wal_segments,
                                        const ChangeCursor& from,
                                        size_t max_bytes);

}  // namespace infinitedb::replication

#endif  // INFINITEDB_ENGINE_REPLICATION_CHANGE_STREAM_H_
