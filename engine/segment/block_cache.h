// Byte-bounded LRU cache of verified blocks, keyed by (segment file number,
// block index). Sharded to keep lock hold times short; thread-safe. Blocks
// are shared: an evicted block stays alive while a reader holds it.
#ifndef INFINITEDB_ENGINE_SEGMENT_BLOCK_CACHE_H_
#define INFINITEDB_ENGINE_SEGMENT_BLOCK_CACHE_H_

#include <array>
#include <cstdint>
#include <list>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "engine/segment/block.h"

namespace infinitedb::segment {

class BlockCache {
 public:
  explicit BlockCache(size_t capacity_bytes);

  std::shared_ptr<const Block> Lookup(uint64_t file_number,
                                      uint32_t block_index);
  void Insert(uint64_t file_number, uint32_t block_index,
              std::shared_ptr<const Block> block);
  // Drops every block of a deleted segment.
  void EraseFile(uint64_t file_number);

  size_t bytes() const;
  size_t blocks() const;
  size_t capacity_bytes() const { return capacity_bytes_; }

 private:
  static constexpr int kShards = 16;
  using Key = std::pair<uint64_t, uint32_t>;
  struct Entry {
    Key key;
    std::shared_ptr<const Block> block;
  };
  struct Shard {
    mutable absl::Mutex mu;
    std::list<Entry> lru ABSL_GUARDED_BY(mu);  // most recent first
    absl::flat_hash_map<Key, std::list<Entry>::iterator> map
        ABSL_GUARDED_BY(mu);
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
  };
  Shard& ShardFor(const Key& key);

  const size_t capacity_bytes_;
  std::array<Shard, kShards> shards_;
};

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_BLOCK_CACHE_H_
