#include "engine/mvcc/arena.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace infinitedb::mvcc {
namespace {

// kHugeBlockBytes of memory aligned to its size: twice that is mapped and
// the unaligned ends are unmapped.
char* MapHugeBlock(size_t bytes) {
  size_t span = 2 * bytes;
  void* mapped = mmap(nullptr, span, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  uintptr_t start = reinterpret_cast<uintptr_t>(mapped);
  uintptr_t aligned = (start + bytes - 1) & ~(uintptr_t{bytes} - 1);
  if (aligned > start) munmap(mapped, aligned - start);
  size_t tail = start + span - (aligned + bytes);
  if (tail > 0) munmap(reinterpret_cast<void*>(aligned + bytes), tail);
  // Best effort: without transparent huge pages the block still works.
  (void)madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
  return reinterpret_cast<char*>(aligned);
}

}  // namespace

Arena::~Arena() {
  for (const Block& block : blocks_) {
    if (block.mapped) {
      munmap(block.data, block.bytes);
    } else {
      std::free(block.data);
    }
  }
}

char* Arena::MallocBlock(size_t bytes) {
  char* data = static_cast<char*>(std::malloc(bytes));
  if (data == nullptr) throw std::bad_alloc();
  blocks_.push_back({data, bytes, /*mapped=*/false});
  return data;
}

void Arena::StartBlock() {
  if (blocks_.empty()) {
    cursor_ = MallocBlock(kFirstBlockBytes);
    remaining_bytes_ = kFirstBlockBytes;
    return;
  }
  cursor_ = MapHugeBlock(kHugeBlockBytes);
  blocks_.push_back({cursor_, kHugeBlockBytes, /*mapped=*/true});
  remaining_bytes_ = kHugeBlockBytes;
}

}  // namespace infinitedb::mvcc
