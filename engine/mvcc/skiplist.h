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
  struct Node;
  static constexpr int kMaxHeight = 12;

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
    (void)x;
    InsertAfter(entry, prev);
  }

  // Inserts ascending entries faster than Insert(): each search starts from
  // where the previous one ended (a finger), so nearby keys cost a few hops
  // instead of a descent from the head. Same single-writer rule.
  class SortedInserter {
   public:
    explicit SortedInserter(SkipList* list) : list_(list) {
      for (Node*& p : prev_) p = list->head_;
    }
    // `entry` must be greater than every entry inserted through this
    // inserter and must not compare equal to any entry present.
    void Insert(const char* entry) {
      assert(last_ == nullptr || list_->compare_(last_, entry) < 0);
      last_ = entry;
      Node* found = nullptr;  // predecessor found on the level above
      for (int level = kMaxHeight - 1; level >= 0; --level) {
        Node* x = prev_[level];
        // Start from whichever of the two known predecessors is further.
        if (found != nullptr && found != list_->head_ && x != found &&
            (x == list_->head_ ||
             list_->compare_(found->entry, x->entry) > 0)) {
          x = found;
        }
        while (true) {
          Node* next = x->Next(level);
          if (next == nullptr || list_->compare_(next->entry, entry) >= 0)
            break;
          x = next;
        }
        prev_[level] = x;
        found = x;
      }
      Node* node = list_->InsertAfter(entry, prev_);
      for (int i = 0; i < node->height; ++i) prev_[i] = node;
    }

   private:
    SkipList* const list_;
    const char* last_ = nullptr;
    Node* prev_[kMaxHeight];
  };

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
  struct Node {
    Node(const char* e, int h) : entry(e), height(h) {}
    const char* const entry;
    const int height;
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
    return new (memory) Node(entry, height);
  }

  // Links a new node for `entry` after prev[level] on each of its levels;
  // prev[] must hold the last node < entry on every level below
  // max_height_ (levels above are set to the head here).
  Node* InsertAfter(const char* entry, Node** prev) {
    int height = RandomHeight();
    int max_height = max_height_.load(std::memory_order_relaxed);
    if (height > max_height) {
      for (int i = max_height; i < height; ++i) prev[i] = head_;
      max_height_.store(height, std::memory_order_relaxed);
    }
    Node* x = NewNode(entry, height);
    for (int i = 0; i < height; ++i) {
      x->SetNextRelaxed(i, prev[i]->NextRelaxed(i));
      prev[i]->SetNext(i, x);
    }
    return x;
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
