// Every tunable bound of the engine, in one place, with its default.
#ifndef INFINITEDB_ENGINE_DB_OPTIONS_H_
#define INFINITEDB_ENGINE_DB_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>

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
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_OPTIONS_H_
