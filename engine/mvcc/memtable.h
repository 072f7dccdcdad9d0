// The in-memory table of recent versions: a skip list of entries in
// internal-key order. One writer (the commit thread) adds; any number of
// readers iterate at the same time without locks.
//
// Each entry is one version record (version_record.h) in the arena.
#ifndef INFINITEDB_ENGINE_MVCC_MEMTABLE_H_
#define INFINITEDB_ENGINE_MVCC_MEMTABLE_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "engine/db/types.h"
#include "engine/mvcc/arena.h"
#include "engine/mvcc/skiplist.h"
#include "engine/mvcc/version_iterator.h"

namespace infinitedb::mvcc {

class MemTable {
 public:
  MemTable();
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;

  // Adds one version. Single writer only. `hilbert_key` must be the Hilbert
  // key of `point`; (branch, space, point, revision) must be new.
  void Add(uint32_t branch_id, uint32_t space_id, const Point& point,
           std::string_view hilbert_key, const CommitStamp& stamp, bool deleted,
           std::string_view value);

  size_t MemoryUsageBytes() const { return arena_.MemoryUsageBytes(); }
  // Number of versions added; readable from any thread.
  size_t entry_count() const {
    return entry_count_.load(std::memory_order_relaxed);
  }

  // An iterator over every version; valid while the memtable lives.
  std::unique_ptr<VersionIterator> NewIterator() const;

 private:
  struct EntryCompare {
    int operator()(const char* a, const char* b) const;
  };
  class Iterator;

  Arena arena_;
  SkipList<EntryCompare> list_;
  std::atomic<size_t> entry_count_{0};
};

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_MEMTABLE_H_
