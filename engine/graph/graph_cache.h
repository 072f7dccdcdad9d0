// A memory cache of what graph reads look up again and again: edges by id
// (their stored value, compact; walks read it in place) and the endpoint
// index entries of one node, each per branch. It answers a read at
// revision S with an entry filled at revision F <= S, which is exact when
// nothing written since F touched it. That holds by these rules, whatever
// the interleaving of readers and writers:
//
//   - A commit marks the keys it writes pending before it is published
//     (BeginWrite) and settles them after (EndWrite, with the revision
//     visible then, at least its own). Marks are kept per bucket of keys
//     (a key's hash picks its shard and bucket; keys of one bucket share
//     them, which costs only misses), so a write inserts nothing.
//   - While a bucket has a pending mark, its keys are neither answered nor
//     filled, on any branch.
//   - Settling sets the bucket's written_at to that revision. An entry
//     filled before its bucket's written_at is stale and not used, and a
//     fill that read at a revision below it is refused: a reader that read
//     before a commit cannot store what the commit replaced. written_at
//     starts at the revision the cache starts at.
//   - Writes whose keys are not known in advance (replicated commits,
//     dropping a space; dropping a branch must too) mark everything:
//     BeginWriteAll / EndWriteAll. They also end the cache's generation: a
//     fill by a reader that began in an earlier one (a reader takes
//     generation() before it reads anything) is refused, as revisions need
//     not advance (dropping a space).
//
// Entries are evicted within capacity_bytes by second chance (CLOCK): a
// hit only marks its slot, and eviction spares a marked slot once, which
// approximates least recently used without moving anything on a read. 0
// disables the cache. Thread-safe.
#ifndef INFINITEDB_ENGINE_GRAPH_GRAPH_CACHE_H_
#define INFINITEDB_ENGINE_GRAPH_GRAPH_CACHE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "engine/public/graph.h"
#include "engine/public/types.h"

namespace infinitedb::graph {

// The live version of an edge as stored: its commit and encoded value
// (edge_codec.h).
struct StoredEdge {
  CommitStamp stamp;
  std::string value;
};

// One endpoint index record of a node: its edge, its internal key (for
// cursors) and its encoded value (edge_codec.h: DecodeIncidence); views
// into the NodeEntries that holds it.
struct NodeEntry {
  EdgeId id = 0;
  std::string_view key;
  std::string_view value;
};

// The endpoint index records of one node, in order, packed in one buffer:
// per record the id (u64), then the key and the value, each a u32 length
// and its bytes.
class NodeEntries {
 public:
  class Iterator {
   public:
    // Valid until the iterator moves.
    const NodeEntry& operator*() const { return entry_; }
    Iterator& operator++() {
      at_ = next_;
      Decode();
      return *this;
    }
    bool operator!=(const Iterator& other) const { return at_ != other.at_; }

   private:
    friend class NodeEntries;
    Iterator(const char* at, const char* end) : at_(at), end_(end) { Decode(); }
    // entry_ and next_ from the record at at_, unless it is the end.
    void Decode();

    const char* at_;
    const char* end_;
    const char* next_ = nullptr;
    NodeEntry entry_;
  };

  void Add(EdgeId id, std::string_view key, std::string_view value);
  // A hub's entries are too many to hold: they are dropped, and the node is
  // known to be one (its reads stream the index).
  void MarkHub() {
    packed_ = std::string();
    count_ = 0;
    hub_ = true;
  }
  bool hub() const { return hub_; }
  size_t size() const { return count_; }
  size_t bytes() const { return sizeof(*this) + packed_.capacity(); }
  Iterator begin() const;
  Iterator end() const;

 private:
  std::string packed_;
  size_t count_ = 0;
  bool hub_ = false;
};

struct GraphCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t bytes = 0;
};

class GraphCache {
 public:
  // `visible`: the newest revision when the cache starts (it knows nothing
  // of the writes up to it, so it answers no read older than that).
  GraphCache(size_t capacity_bytes, Revision visible);

  uint64_t generation() const {
    return generation_.load(std::memory_order_acquire);
  }

  // True on a hit; `edge` is then null when the edge had no live version.
  // `generation`: the reader's (a reader of an earlier one gets misses, so
  // that all it reads is of one state).
  bool FindEdge(std::string_view branch, EdgeId id, Revision at,
                uint64_t generation, std::shared_ptr<const StoredEdge>* edge);
  // `generation`: the reader's.
  void FillEdge(std::string_view branch, EdgeId id, Revision at,
                uint64_t generation, std::shared_ptr<const StoredEdge> edge);
  bool FindNode(std::string_view branch, const NodeRef& node, Revision at,
                uint64_t generation,
                std::shared_ptr<const NodeEntries>* entries);
  void FillNode(std::string_view branch, const NodeRef& node, Revision at,
                uint64_t generation,
                std::shared_ptr<const NodeEntries> entries);

  // Where a cache key that a commit writes lives.
  struct WrittenKey {
    size_t shard = 0;
    size_t bucket = 0;
  };
  // The cache keys that a commit of `mutations` writes (edges of the edges
  // space and nodes of endpoint indexes; other spaces are not cached), in
  // shard order, so that marking them takes each shard's lock once (a key
  // may come twice: it is marked twice). None when the cache is off.
  std::vector<WrittenKey> KeysWritten(
      std::span<const MutationView> mutations) const;
  void BeginWrite(const std::vector<WrittenKey>& keys);
  // `visible`: the newest visible revision once the commit has returned.
  void EndWrite(const std::vector<WrittenKey>& keys, Revision visible);
  void BeginWriteAll();
  void EndWriteAll(Revision visible);

  GraphCacheStats Stats() const;

 private:
  struct Entry {
    std::string branch;
    Revision filled_at = 0;
    std::shared_ptr<const void> value;  // a StoredEdge or NodeEntries
    size_t charge = 0;
  };
  struct Slot {
    std::vector<Entry> entries;
    size_t charge = 0;                     // of the entries
    std::list<std::string>::iterator lru;  // its place in Shard::lru
    // Read since eviction last looked at it: it gets a second chance.
    bool referenced = false;
  };
  // The keys whose hash falls in one bucket of a shard share their marks:
  // commits in progress, and the newest revision visible when one ended
  // (entries filled before it are stale; fills read before it are
  // refused).
  struct Bucket {
    uint32_t pending = 0;
    Revision written_at = 0;
  };
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, Slot> slots;  // each with entries
    std::list<std::string> lru;  // front: most recently filled or spared
    size_t bytes = 0;
    std::vector<Bucket> buckets;  // kBuckets
  };
  struct Place {
    size_t shard = 0;
    size_t bucket = 0;
  };
  static constexpr size_t kShards = 32;
  static constexpr size_t kBuckets = 4096;

  static Place PlaceOf(std::string_view key);
  bool Find(std::string_view key, std::string_view branch, Revision at,
            uint64_t generation, std::shared_ptr<const void>* value);
  void Fill(std::string key, std::string_view branch, Revision at,
            uint64_t generation, std::shared_ptr<const void> value,
            size_t charge);
  // Calls `mark` on the bucket of each of `keys`, under its shard's lock.
  template <typename MarkBucket>
  void MarkBuckets(const std::vector<WrittenKey>& keys, MarkBucket mark);
  static void EvictOverCapacity(Shard& shard, size_t capacity);
  static void ClearShard(Shard& shard);

  const size_t shard_capacity_;
  std::atomic<int> writing_all_{0};
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> hits_{0}, misses_{0};
  std::array<Shard, kShards> shards_;
};

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_GRAPH_CACHE_H_
