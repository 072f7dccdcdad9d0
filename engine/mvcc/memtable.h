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
  struct EntryCompare {
    int operator()(const char* a, const char* b) const;
  };

 public:
  MemTable();
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;

  // Adds one version. Single writer only. `hilbert_key` must be the Hilbert
  // key of `point`; (branch, space, point, revision) must be new.
  void Add(uint32_t branch_id, uint32_t space_id, const Point& point,
           std::string_view hilbert_key, const CommitStamp& stamp, bool deleted,
           std::string_view value);

  // Adds versions given in increasing key order (the operations of one
  // commit, sorted by space and Hilbert key) faster than Add(), each search
  // starting where the previous one ended. Single writer, like Add().
  class SortedAdder {
   public:
    explicit SortedAdder(MemTable* table)
        : table_(table), inserter_(&table->list_) {}
    void Add(uint32_t branch_id, uint32_t space_id, const Point& point,
             std::string_view hilbert_key, const CommitStamp& stamp,
             bool deleted, std::string_view value) {
      inserter_.Insert(table_->Encode(branch_id, space_id, point, hilbert_key,
                                      stamp, deleted, value));
      table_->entry_count_.fetch_add(1, std::memory_order_relaxed);
    }

   private:
    MemTable* const table_;
    SkipList<EntryCompare>::SortedInserter inserter_;
  };

  size_t MemoryUsageBytes() const { return arena_.MemoryUsageBytes(); }
  // Number of versions added; readable from any thread.
  size_t entry_count() const {
    return entry_count_.load(std::memory_order_relaxed);
  }

  // An iterator over every version; valid while the memtable lives.
  std::unique_ptr<VersionIterator> NewIterator() const;

 private:
  class Iterator;

  // Copies one version into the arena; returns the entry.
  const char* Encode(uint32_t branch_id, uint32_t space_id, const Point& point,
                     std::string_view hilbert_key, const CommitStamp& stamp,
                     bool deleted, std::string_view value);

  Arena arena_;
  SkipList<EntryCompare> list_;
  std::atomic<size_t> entry_count_{0};
};

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_MEMTABLE_H_
