// Sorted set of arena-allocated entries with one writer and lock-free
// readers (the LevelDB memtable design). Insert() must be called by one
// thread at a time; iterators may run concurrently with it from any thread
// and see every entry whose insertion completed before they reached it.
// Entries are never removed; memory goes away with the arena.
//
// `Compare` is a callable int(const char* a, const char* b) ordering entries.
#ifndef INFINITEDB_ENGINE_MVCC_SKIPLIST_H_
#define INFINITEDB_ENGINE_MVCC_SKIPLIST_H_

#include <atomic>
#include <cassert>
#include <cstdint>
#include <new>
#include <random>

#include "engine/mvcc/arena.h"

namespace infinitedb::mvcc {

template <typename Compare>
class SkipList {
 public:
  SkipList(Compare compare, Arena* arena)
      : compare_(compare), arena_(arena), head_(NewNode(nullptr, kMaxHeight)) {
    for (int i = 0; i < kMaxHeight; ++i) head_->SetNext(i, nullptr);
  }

  // Inserts `entry`, which must not compare equal to any entry present.
  void Insert(const char* entry) {
    Node* prev[kMaxHeight];
    Node* x = FindGreaterOrEqual(entry, prev);
    assert(x == nullptr || compare_(entry, x->entry) != 0);
    int height = RandomHeight();
    int max_height = max_height_.load(std::memory_order_relaxed);
    if (height > max_height) {
      for (int i = max_height; i < height; ++i) prev[i] = head_;
      max_height_.store(height, std::memory_order_relaxed);
    }
    x = NewNode(entry, height);
    for (int i = 0; i < height; ++i) {
      x->SetNextRelaxed(i, prev[i]->NextRelaxed(i));
      prev[i]->SetNext(i, x);
    }
  }

  class Iterator {
   public:
    explicit Iterator(const SkipList* list) : list_(list) {}
    bool Valid() const { return node_ != nullptr; }
    const char* entry() const { return node_->entry; }
    void Next() { node_ = node_->Next(0); }
    // Positions at the first entry >= target.
    void Seek(const char* target) {
      node_ = list_->FindGreaterOrEqual(target, nullptr);
    }
    void SeekToFirst() { node_ = list_->head_->Next(0); }

   private:
    const SkipList* list_;
    typename SkipList::Node* node_ = nullptr;
  };

 private:
  static constexpr int kMaxHeight = 12;

  struct Node {
    explicit Node(const char* e) : entry(e) {}
    const char* const entry;
    Node* Next(int level) {
      return next_[level].load(std::memory_order_acquire);
    }
    void SetNext(int level, Node* node) {
      next_[level].store(node, std::memory_order_release);
    }
    Node* NextRelaxed(int level) {
      return next_[level].load(std::memory_order_relaxed);
    }
    void SetNextRelaxed(int level, Node* node) {
      next_[level].store(node, std::memory_order_relaxed);
    }
    // Length is the node's height; the node is allocated with room for it.
    std::atomic<Node*> next_[1];
  };

  Node* NewNode(const char* entry, int height) {
    char* memory = arena_->Allocate(sizeof(Node) +
                                    sizeof(std::atomic<Node*>) * (height - 1));
    return new (memory) Node(entry);
  }

  int RandomHeight() {
    // Each level holds about a quarter of the one below.
    int height = 1;
    while (height < kMaxHeight && (random_() & 3) == 0) ++height;
    return height;
  }

  // First node >= entry; fills prev[level] with the last node < entry.
  Node* FindGreaterOrEqual(const char* entry, Node** prev) const {
    Node* x = head_;
    int level = max_height_.load(std::memory_order_relaxed) - 1;
    while (true) {
      Node* next = x->Next(level);
      if (next != nullptr && compare_(next->entry, entry) < 0) {
        x = next;
        continue;
      }
      if (prev != nullptr) prev[level] = x;
      if (level == 0) return next;
      --level;
    }
  }

  Compare const compare_;
  Arena* const arena_;
  Node* const head_;
  std::atomic<int> max_height_{1};
  std::minstd_rand random_{0x1DB};
};

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_SKIPLIST_H_
