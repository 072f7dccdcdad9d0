// Every tunable bound of the engine, in one place, with its default.
#ifndef INFINITEDB_ENGINE_PUBLIC_OPTIONS_H_
#define INFINITEDB_ENGINE_PUBLIC_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include <string_view>

#include "engine/public/env.h"
#include "engine/public/types.h"

namespace infinitedb {

// Compression of segment blocks. The numbers are the codec byte stored with
// every block on disk (segment/block_codec.h): frozen.
enum class SegmentCompression : uint8_t { kNone = 0, kLz4 = 1, kZstd = 2 };

// "none", "lz4", "zstd".
inline std::string_view SegmentCompressionName(SegmentCompression codec) {
  switch (codec) {
    case SegmentCompression::kNone:
      return "none";
    case SegmentCompression::kLz4:
      return "lz4";
    case SegmentCompression::kZstd:
      return "zstd";
  }
  return "unknown";
}

// False for any other name.
inline bool ParseSegmentCompression(std::string_view name,
                                    SegmentCompression* codec) {
  for (SegmentCompression candidate :
       {SegmentCompression::kNone, SegmentCompression::kLz4,
        SegmentCompression::kZstd}) {
    if (name == SegmentCompressionName(candidate)) {
      *codec = candidate;
      return true;
    }
  }
  return false;
}

// What a write does with an edge whose kind is not declared, or whose
// endpoint's role is not one of its declared kind's.
enum class UnknownLabelPolicy { kAllow, kWarn, kReject };

struct EngineOptions {
  // Directory holding MANIFEST and wal/. Created if missing.
  std::string data_dir = "./data";
  // File system, clock and logger (defaults: the local ones).
  Env env;
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
  // Most endpoints of one hyperedge.
  size_t max_edge_endpoints = 1024;
  // Largest properties (keys and values) plus payload of one hyperedge.
  size_t max_edge_property_bytes = 1u << 20;  // 1 MiB
  // Longest edge kind and endpoint role, in bytes.
  size_t max_edge_label_bytes = 256;
  // Undeclared kinds and roles: written silently, written with a warning in
  // the log, or refused (InvalidArgument).
  UnknownLabelPolicy unknown_edge_labels = UnknownLabelPolicy::kAllow;
  // Refuse an edge one of whose endpoints has no live record on the branch.
  bool reject_dangling_edges = false;
  // Longest space and branch name, in bytes.
  size_t max_name_bytes = 128;

  // Past this much memory the memtable is frozen and sealed into segment
  // files in the background; writes continue into a new one.
  size_t memtable_bytes_max = 64u << 20;  // 64 MiB
  // Compression of the blocks of segment files written from now on (files
  // written before keep theirs). zstd makes the smallest files; LZ4 is a
  // little faster to read back from disk (blocks in the cache are
  // decompressed either way).
  SegmentCompression segment_compression = SegmentCompression::kZstd;
  // Memory for recently read segment blocks (LRU), decompressed.
  size_t block_cache_bytes = 256u << 20;  // 256 MiB
  // Memory for stored edges and the endpoint index entries of nodes that
  // graph reads looked up (LRU, per branch; exact at every revision it
  // answers). 0 turns it off.
  size_t graph_cache_bytes = 128u << 20;  // 128 MiB
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
  // The WAL is kept for change-stream subscribers from their oldest
  // acknowledgement (Engine::SetSubscriberAck), but at most this many
  // revisions back; a subscriber further behind must start over with a
  // full copy.
  uint64_t replication_retention_revisions = 10'000'000;
  // Lowest revision that someone besides sealing and the subscribers still
  // needs from the WAL; WAL segments holding it or newer are kept. Null:
  // none.
  std::function<Revision()> wal_hold_revision;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_OPTIONS_H_
