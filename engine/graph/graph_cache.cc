#include "engine/graph/graph_cache.h"

#include <algorithm>
#include <cstring>

#include "absl/hash/hash.h"
#include "engine/common/coding.h"
#include "engine/graph/graph_spaces.h"

namespace infinitedb::graph {
namespace {

// What a slot costs beside its values: the key twice (map and LRU list),
// the nodes, and an entry's branch.
constexpr size_t kSlotOverhead = 128;

std::string EdgeCacheKey(EdgeId id) {
  std::string key(1 + sizeof(id), 'e');
  std::memcpy(key.data() + 1, &id, sizeof(id));
  return key;
}

// "n", the node's space, a 0 byte, then its coordinates' bytes, written
// into `key` (whose storage lookups reuse); `point` may run on past the
// node's axes.
std::string_view NodeCacheKey(std::string_view space, const uint32_t* point,
                              size_t dims, std::string* key) {
  key->assign(1, 'n');
  key->append(space);
  key->push_back('\0');
  key->append(reinterpret_cast<const char*>(point), 4 * dims);
  return *key;
}

std::string_view NodeCacheKey(const NodeRef& node, std::string* key) {
  return NodeCacheKey(node.space, node.point.data(), node.point.size(), key);
}

size_t EdgeBytes(const StoredEdge& edge) {
  return sizeof(StoredEdge) + edge.value.size();
}

}  // namespace

void NodeEntries::Add(EdgeId id, std::string_view key, std::string_view value) {
  PutFixed64(&packed_, id);
  PutLengthPrefixed(&packed_, key);
  PutLengthPrefixed(&packed_, value);
  ++count_;
}

NodeEntries::Iterator NodeEntries::begin() const {
  return Iterator(packed_.data(), packed_.data() + packed_.size());
}

NodeEntries::Iterator NodeEntries::end() const {
  const char* end = packed_.data() + packed_.size();
  return Iterator(end, end);
}

void NodeEntries::Iterator::Decode() {
  if (at_ == end_) return;
  // Written by Add: well formed.
  ByteReader reader(std::string_view(at_, end_ - at_));
  reader.ReadFixed64(&entry_.id);
  reader.ReadLengthPrefixed(&entry_.key);
  reader.ReadLengthPrefixed(&entry_.value);
  next_ = end_ - reader.remaining();
}

GraphCache::GraphCache(size_t capacity_bytes, Revision visible)
    : shard_capacity_(capacity_bytes / kShards) {
  if (shard_capacity_ == 0) return;
  for (Shard& shard : shards_) {
    shard.buckets.assign(kBuckets, Bucket{0, visible});
  }
}

GraphCache::Place GraphCache::PlaceOf(std::string_view key) {
  const size_t hash = absl::HashOf(key);
  return {hash % kShards, (hash / kShards) % kBuckets};
}

bool GraphCache::FindEdge(std::string_view branch, EdgeId id, Revision at,
                          uint64_t generation,
                          std::shared_ptr<const StoredEdge>* edge) {
  std::shared_ptr<const void> value;
  if (!Find(EdgeCacheKey(id), branch, at, generation, &value)) return false;
  *edge = std::static_pointer_cast<const StoredEdge>(value);
  return true;
}

void GraphCache::FillEdge(std::string_view branch, EdgeId id, Revision at,
                          uint64_t generation,
                          std::shared_ptr<const StoredEdge> edge) {
  const size_t charge = edge ? EdgeBytes(*edge) : 0;
  Fill(EdgeCacheKey(id), branch, at, generation, std::move(edge), charge);
}

bool GraphCache::FindNode(std::string_view branch, const NodeRef& node,
                          Revision at, uint64_t generation,
                          std::shared_ptr<const NodeEntries>* entries) {
  thread_local std::string scratch;
  std::shared_ptr<const void> value;
  if (!Find(NodeCacheKey(node, &scratch), branch, at, generation, &value)) {
    return false;
  }
  *entries = std::static_pointer_cast<const NodeEntries>(value);
  return true;
}

void GraphCache::FillNode(std::string_view branch, const NodeRef& node,
                          Revision at, uint64_t generation,
                          std::shared_ptr<const NodeEntries> entries) {
  const size_t charge = entries->bytes();
  std::string key;
  NodeCacheKey(node, &key);
  Fill(std::move(key), branch, at, generation, std::move(entries), charge);
}

bool GraphCache::Find(std::string_view key, std::string_view branch,
                      Revision at, uint64_t generation,
                      std::shared_ptr<const void>* value) {
  if (shard_capacity_ == 0) return false;
  const Place place = PlaceOf(key);
  Shard& shard = shards_[place.shard];
  {
    absl::MutexLock lock(&shard.mu);
    const Bucket& bucket = shard.buckets[place.bucket];
    auto slot = shard.slots.find(absl::string_view(key.data(), key.size()));
    if (slot != shard.slots.end() && bucket.pending == 0 &&
        writing_all_.load(std::memory_order_acquire) == 0 &&
        generation == generation_.load(std::memory_order_acquire)) {
      for (const Entry& entry : slot->second.entries) {
        if (entry.branch != branch || entry.filled_at > at ||
            entry.filled_at < bucket.written_at) {
          continue;  // another branch's, newer than the read, or stale
        }
        *value = entry.value;
        slot->second.referenced = true;
        hits_.fetch_add(1, std::memory_order_relaxed);
        return true;
      }
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

void GraphCache::Fill(std::string key, std::string_view branch, Revision at,
                      uint64_t generation, std::shared_ptr<const void> value,
                      size_t charge) {
  if (shard_capacity_ == 0) return;
  charge += kSlotOverhead + key.size() + branch.size();
  if (charge > shard_capacity_) return;
  const Place place = PlaceOf(key);
  Shard& shard = shards_[place.shard];
  absl::MutexLock lock(&shard.mu);
  const Bucket& bucket = shard.buckets[place.bucket];
  if (bucket.pending > 0 || at < bucket.written_at ||
      writing_all_.load(std::memory_order_acquire) > 0 ||
      generation != generation_.load(std::memory_order_acquire)) {
    return;
  }
  auto [slot, inserted] = shard.slots.try_emplace(key);
  std::vector<Entry>& entries = slot->second.entries;
  auto same = std::find_if(entries.begin(), entries.end(),
                           [&](const Entry& e) { return e.branch == branch; });
  if (same != entries.end()) {
    if (same->filled_at >= bucket.written_at && same->filled_at <= at) {
      return;  // it answers as much already
    }
    // Stale, or it answers fewer revisions than the fill.
    slot->second.charge += charge - same->charge;
    shard.bytes += charge - same->charge;
    *same = {std::string(branch), at, std::move(value), charge};
  } else {
    if (entries.empty()) {
      shard.lru.push_front(std::move(key));
      slot->second.lru = shard.lru.begin();
    }
    entries.push_back({std::string(branch), at, std::move(value), charge});
    slot->second.charge += charge;
    shard.bytes += charge;
  }
  EvictOverCapacity(shard, shard_capacity_);
}

void GraphCache::EvictOverCapacity(Shard& shard, size_t capacity) {
  while (shard.bytes > capacity && !shard.lru.empty()) {
    auto slot = shard.slots.find(shard.lru.back());
    if (slot->second.referenced) {
      slot->second.referenced = false;
      shard.lru.splice(shard.lru.begin(), shard.lru, slot->second.lru);
      continue;
    }
    shard.lru.pop_back();
    shard.bytes -= slot->second.charge;
    shard.slots.erase(slot);
  }
}

void GraphCache::ClearShard(Shard& shard) {
  shard.slots.clear();
  shard.lru.clear();
  shard.bytes = 0;
}

std::vector<GraphCache::WrittenKey> GraphCache::KeysWritten(
    std::span<const MutationView> mutations) const {
  std::vector<WrittenKey> keys;
  if (shard_capacity_ == 0) return keys;
  const std::string_view prefix = kIncidencePrefix;
  std::array<size_t, kShards + 1> starts{};
  std::string node_key;  // reused
  for (const MutationView& mutation : mutations) {
    const Point& point = *mutation.point;
    Place place;
    if (mutation.space == kEdgesSpace && point.size() == kEdgesDims) {
      place = PlaceOf(EdgeCacheKey(IdOfAxes(point[0], point[1])));
    } else if (mutation.space.starts_with(prefix) && point.size() > kIdAxes) {
      place = PlaceOf(NodeCacheKey(mutation.space.substr(prefix.size()),
                                   point.data(), point.size() - kIdAxes,
                                   &node_key));
    } else {
      continue;
    }
    ++starts[place.shard + 1];
    keys.push_back({place.shard, place.bucket});
  }
  // In shard order (a counting sort); a key twice is marked twice.
  for (size_t shard = 0; shard < kShards; ++shard) {
    starts[shard + 1] += starts[shard];
  }
  std::vector<WrittenKey> ordered(keys.size());
  for (const WrittenKey& key : keys) ordered[starts[key.shard]++] = key;
  return ordered;
}

template <typename MarkBucket>
void GraphCache::MarkBuckets(const std::vector<WrittenKey>& keys,
                             MarkBucket mark) {
  if (shard_capacity_ == 0) return;
  // The keys are in shard order: each shard's lock is taken once.
  for (size_t first = 0; first < keys.size();) {
    Shard& shard = shards_[keys[first].shard];
    absl::MutexLock lock(&shard.mu);
    for (; first < keys.size() && &shards_[keys[first].shard] == &shard;
         ++first) {
      mark(shard.buckets[keys[first].bucket]);
    }
  }
}

void GraphCache::BeginWrite(const std::vector<WrittenKey>& keys) {
  MarkBuckets(keys, [](Bucket& bucket) { ++bucket.pending; });
}

void GraphCache::EndWrite(const std::vector<WrittenKey>& keys,
                          Revision visible) {
  MarkBuckets(keys, [visible](Bucket& bucket) {
    --bucket.pending;
    bucket.written_at = std::max(bucket.written_at, visible);
  });
}

void GraphCache::BeginWriteAll() {
  if (shard_capacity_ == 0) return;
  writing_all_.fetch_add(1, std::memory_order_acq_rel);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    ClearShard(shard);
  }
}

void GraphCache::EndWriteAll(Revision visible) {
  if (shard_capacity_ == 0) return;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    ClearShard(shard);
    for (Bucket& bucket : shard.buckets) {
      bucket.written_at = std::max(bucket.written_at, visible);
    }
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
  writing_all_.fetch_sub(1, std::memory_order_acq_rel);
}

GraphCacheStats GraphCache::Stats() const {
  GraphCacheStats stats;
  stats.hits = hits_.load(std::memory_order_relaxed);
  stats.misses = misses_.load(std::memory_order_relaxed);
  for (const Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    stats.bytes += shard.bytes;
  }
  return stats;
}

}  // namespace infinitedb::graph
