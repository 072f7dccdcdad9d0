#include "engine/segment/block_cache.h"

namespace infinitedb::segment {

BlockCache::BlockCache(size_t capacity_bytes)
    : capacity_bytes_(capacity_bytes) {}

BlockCache::Shard& BlockCache::ShardFor(const Key& key) {
  // Mix all bits (splitmix64's finalizer) so the blocks of one segment
  // spread over every shard.
  uint64_t h = key.first * 0x9E3779B97F4A7C15ull + key.second;
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  h ^= h >> 31;
  return shards_[h % kShards];
}

std::shared_ptr<const Block> BlockCache::Lookup(uint64_t file_number,
                                                uint32_t block_index) {
  Key key{file_number, block_index};
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.map.find(key);
  if (it == shard.map.end()) return nullptr;
  shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
  return it->second->block;
}

void BlockCache::Insert(uint64_t file_number, uint32_t block_index,
                        std::shared_ptr<const Block> block) {
  Key key{file_number, block_index};
  Shard& shard = ShardFor(key);
  size_t shard_capacity = capacity_bytes_ / kShards;
  absl::MutexLock lock(&shard.mu);
  if (shard.map.contains(key)) return;
  if (block->size_bytes() > shard_capacity) return;  // would evict everything
  shard.bytes += block->size_bytes();
  shard.lru.push_front({key, std::move(block)});
  shard.map[key] = shard.lru.begin();
  while (shard.bytes > shard_capacity) {
    Entry& victim = shard.lru.back();
    shard.bytes -= victim.block->size_bytes();
    shard.map.erase(victim.key);
    shard.lru.pop_back();
  }
}

void BlockCache::EraseFile(uint64_t file_number) {
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (auto it = shard.lru.begin(); it != shard.lru.end();) {
      if (it->key.first == file_number) {
        shard.bytes -= it->block->size_bytes();
        shard.map.erase(it->key);
        it = shard.lru.erase(it);
      } else {
        ++it;
      }
    }
  }
}

size_t BlockCache::bytes() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    total += shard.bytes;
  }
  return total;
}

size_t BlockCache::blocks() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    total += shard.map.size();
  }
  return total;
}

}  // namespace infinitedb::segment
