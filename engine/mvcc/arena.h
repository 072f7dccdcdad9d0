// Bump allocator for a memtable: many small allocations freed together when
// the memtable is dropped. Allocate() is called by the single writer thread
// only; MemoryUsageBytes() may be read from any thread.
#ifndef INFINITEDB_ENGINE_MVCC_ARENA_H_
#define INFINITEDB_ENGINE_MVCC_ARENA_H_

#include <sys/mman.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

namespace infinitedb::mvcc {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns `bytes` of memory aligned for pointers, valid until the arena is
  // destroyed.
  char* Allocate(size_t bytes);

  // Bytes handed out so far (what the data takes, not the block reserve).
  size_t MemoryUsageBytes() const {
    return memory_usage_bytes_.load(std::memory_order_relaxed);
  }

 private:
  // Most allocations come out of blocks of this size; a larger request gets
  // a block of its own so the tail of the current block is not wasted.
  static constexpr size_t kBlockBytes = 2 << 20;

  char* AllocateNewBlock(size_t bytes);

  char* cursor_ = nullptr;
  size_t remaining_bytes_ = 0;
  struct Free {
    void operator()(char* block) const { std::free(block); }
  };
  std::vector<std::unique_ptr<char[], Free>> blocks_;
  std::atomic<size_t> memory_usage_bytes_{0};
};

inline char* Arena::Allocate(size_t bytes) {
  constexpr size_t kAlign = alignof(void*);
  size_t padding =
      (kAlign - reinterpret_cast<uintptr_t>(cursor_) % kAlign) % kAlign;
  memory_usage_bytes_.fetch_add(bytes + padding, std::memory_order_relaxed);
  if (bytes + padding <= remaining_bytes_) {
    char* result = cursor_ + padding;
    cursor_ += padding + bytes;
    remaining_bytes_ -= padding + bytes;
    return result;
  }
  if (bytes > kBlockBytes / 4) return AllocateNewBlock(bytes);
  cursor_ = AllocateNewBlock(kBlockBytes);
  remaining_bytes_ = kBlockBytes;
  char* result = cursor_;
  cursor_ += bytes;
  remaining_bytes_ -= bytes;
  return result;
}

inline char* Arena::AllocateNewBlock(size_t bytes) {
  // Full blocks are aligned to, and the size of, a transparent huge page:
  // reads visit entries in key order, not in the order they were added,
  // and one TLB entry then covers a whole block.
  bool full_block = bytes == kBlockBytes;
  void* block = full_block ? std::aligned_alloc(kBlockBytes, kBlockBytes)
                           : std::malloc(bytes);
  if (block == nullptr) throw std::bad_alloc();
  if (full_block) (void)madvise(block, kBlockBytes, MADV_HUGEPAGE);
  blocks_.emplace_back(static_cast<char*>(block));
  return blocks_.back().get();
}

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_ARENA_H_
