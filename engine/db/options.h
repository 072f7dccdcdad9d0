// Every tunable bound of the engine, in one place, with its default.
#ifndef INFINITEDB_ENGINE_DB_OPTIONS_H_
#define INFINITEDB_ENGINE_DB_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "engine/db/types.h"
#include "engine/segment/block_codec.h"

namespace infinitedb {

enum class Durability {
  // Acknowledge a commit only after its WAL frame is fdatasync'ed.
  kSync,
  // Acknowledge after the write reaches the OS; fdatasync on a timer
  // (`async_sync_interval_ms`). A power loss may lose the last interval of
  // acknowledged commits; a process crash loses nothing.
  kAsync,
};

struct EngineOptions {
  // Directory holding MANIFEST and wal/. Created if missing.
  std::string data_dir = "./data";
  Durability durability = Durability::kSync;
  // In kAsync mode, the longest time a written commit waits for fdatasync.
  uint32_t async_sync_interval_ms = 20;
  // Largest value accepted by a put.
  size_t max_value_bytes = 4u << 20;  // 4 MiB
  // Largest total size of one batch (keys and values); one commit is one WAL
  // frame, so this also bounds a frame.
  size_t max_batch_bytes = 64u << 20;  // 64 MiB
  // Most mutations in one batch.
  size_t max_batch_mutations = 1'000'000;
  // A WAL segment file is closed and a new one started past this size.
  uint64_t wal_segment_bytes = 64u << 20;  // 64 MiB
  // Most bytes of queued commits written in one group commit.
  size_t max_group_commit_bytes = 16u << 20;  // 16 MiB
  // Id of this node, stamped on every commit as its origin (HLC tiebreak in
  // replication). Must differ between servers that replicate to each other.
  uint32_t node_id = 1;
  // Longest space and branch name, in bytes.
  size_t max_name_bytes = 128;

  // Past this much memory the memtable is frozen and sealed into segment
  // files in the background; writes continue into a new one.
  size_t memtable_bytes_max = 64u << 20;  // 64 MiB
  // Compression of the blocks of segment files written from now on (files
  // written before keep theirs). zstd makes the smallest files; LZ4 is a
  // little faster to read back from disk (blocks in the cache are
  // decompressed either way).
  segment::BlockCodec segment_compression = segment::BlockCodec::kZstd;
  // Memory for recently read segment blocks (LRU), decompressed.
  size_t block_cache_bytes = 256u << 20;  // 256 MiB
  // History retention: compaction keeps every version newer than the
  // current revision minus this, plus the newest version older than that
  // (per address, and per branch fork point). 0 keeps all history.
  uint64_t history_retention_revisions = 0;
  // A space is compacted in the background once it has this many segments
  // of about the same size (size-tiered).
  size_t compaction_trigger_segments = 4;
  // ApplyReplicated refuses a change stamped (HLC) more than this far ahead
  // of this server's wall clock: a peer whose clock runs far ahead would
  // otherwise drag this server's clock, and every later stamp, with it.
  // 0 turns the check off.
  uint64_t max_clock_skew_ms = 60'000;
  // Lowest revision that someone besides sealing still needs from the WAL
  // (replication); WAL segments holding it or newer are kept. Null: none.
  std::function<Revision()> wal_hold_revision;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_OPTIONS_H_
