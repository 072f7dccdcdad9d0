// The set of version sources a read pins: the active memtable, frozen
// memtables waiting to be sealed, and each space's sealed segments. Replaced
// as a whole (copy on write) whenever a memtable is frozen or sealed or
// segments are compacted, so a reader that holds one sees a fixed set.
#ifndef INFINITEDB_ENGINE_VERSION_READ_STATE_H_
#define INFINITEDB_ENGINE_VERSION_READ_STATE_H_

#include <map>
#include <memory>
#include <vector>

#include "engine/mvcc/memtable.h"
#include "engine/mvcc/snapshot_reader.h"
#include "engine/segment/segment_reader.h"

namespace infinitedb {

struct FrozenMemTable {
  std::shared_ptr<mvcc::MemTable> table;
  Revision max_revision = 0;  // every commit applied to it is <= this
};

struct ReadState {
  std::shared_ptr<mvcc::MemTable> active;
  std::vector<FrozenMemTable> frozen;  // oldest first
  // Sealed segments by space id, oldest first.
  std::map<uint32_t, std::vector<std::shared_ptr<segment::SegmentReader>>>
      segments;
};

// The iterator factory over `state`'s sources for reads of `space_id`.
mvcc::SnapshotReader::SourceFactory SourcesFor(
    std::shared_ptr<const ReadState> state, uint32_t space_id);

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_VERSION_READ_STATE_H_
