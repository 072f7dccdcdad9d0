// Bump allocator for a memtable: many small allocations freed together when
// the memtable is dropped. Allocate() is called by the single writer thread
// only; MemoryUsageBytes() may be read from any thread.
#ifndef INFINITEDB_ENGINE_MVCC_ARENA_H_
#define INFINITEDB_ENGINE_MVCC_ARENA_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace infinitedb::mvcc {

class Arena {
 public:
  Arena() = default;
  ~Arena();
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
  // The first block is small, so that a memtable that stays small costs
  // little. Later ones are one transparent huge page each (mapped aligned,
  // madvise(MADV_HUGEPAGE)): reads visit entries in key order, not in the
  // order they were added, and one TLB entry then covers a whole block.
  static constexpr size_t kFirstBlockBytes = 64 << 10;
  static constexpr size_t kHugeBlockBytes = 2 << 20;

  struct Block {
    char* data;
    size_t bytes;
    bool mapped;  // by MapHugeBlock (else malloc)
  };

  // A malloc'ed block of `bytes`, freed with the arena: the first block,
  // and a block of its own for a request larger than a quarter of the next
  // block's size (so the tail of the current block is not wasted).
  char* MallocBlock(size_t bytes);
  // Starts a new current block.
  void StartBlock();

  char* cursor_ = nullptr;
  size_t remaining_bytes_ = 0;
  std::vector<Block> blocks_;
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
  size_t next_block = blocks_.empty() ? kFirstBlockBytes : kHugeBlockBytes;
  if (bytes > next_block / 4) return MallocBlock(bytes);
  StartBlock();
  char* result = cursor_;
  cursor_ += bytes;
  remaining_bytes_ -= bytes;
  return result;
}

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_ARENA_H_
