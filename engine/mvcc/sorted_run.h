// A sorted run: an immutable array of memtable entries in internal-key order,
// each with the first 24 bytes of its key copied inline, so that searching
// and merging runs compare integers in a sequential array instead of
// chasing pointers into the arena (the key bytes beyond the first 24, and
// ties, fall back to the entries themselves).
//
// An entry (`RunEntry::entry`) is one version record (version_record.h)
// owned by the memtable's arena.
#ifndef INFINITEDB_ENGINE_MVCC_SORTED_RUN_H_
#define INFINITEDB_ENGINE_MVCC_SORTED_RUN_H_

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "engine/common/coding.h"
#include "engine/common/key_compare.h"

namespace infinitedb::mvcc {

struct RunKeyHead {
  // Key bytes [0, 24) as three big-endian integers, zero-padded: comparing
  // them in order is comparing those bytes.
  uint64_t words[3];

  static RunKeyHead Of(std::string_view key) {
    char padded[24] = {};
    if (!key.empty()) {
      std::memcpy(padded, key.data(), key.size() < 24 ? key.size() : 24);
    }
    return {{DecodeBigEndian64(padded), DecodeBigEndian64(padded + 8),
             DecodeBigEndian64(padded + 16)}};
  }
};

struct RunEntry {
  RunKeyHead head;
  const char* entry;

  std::string_view key() const {
    return std::string_view(entry + 4, DecodeFixed32(entry));
  }
};

// <0, 0, >0 as the heads order; 0 when they tie.
inline int CompareHeads(const RunKeyHead& a, const RunKeyHead& b) {
  for (int i = 0; i < 3; ++i) {
    if (a.words[i] != b.words[i]) return a.words[i] < b.words[i] ? -1 : 1;
  }
  return 0;
}

// <0, 0, >0 as `a`'s key (whose head is `a_head`) is before, equal to or
// after `b`'s.
inline int CompareRunKeys(const RunKeyHead& a_head, std::string_view a_key,
                          const RunEntry& b) {
  int order = CompareHeads(a_head, b.head);
  return order != 0 ? order : CompareKeys(a_key, b.key());
}

// Reads the entries themselves only when the heads tie.
inline bool RunEntryLess(const RunEntry& a, const RunEntry& b) {
  int order = CompareHeads(a.head, b.head);
  return order != 0 ? order < 0 : CompareKeys(a.key(), b.key()) < 0;
}

using SortedRun = std::vector<RunEntry>;

// Index of the first entry of `run` whose key is >= `key`.
inline size_t RunLowerBound(const SortedRun& run, const RunKeyHead& head,
                            std::string_view key) {
  size_t low = 0, high = run.size();
  while (low < high) {
    size_t mid = low + (high - low) / 2;
    if (CompareRunKeys(head, key, run[mid]) > 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

// The union of two runs, in order. Keys are unique across runs (every
// version has its own revision).
inline SortedRun MergeRuns(const SortedRun& a, const SortedRun& b) {
  SortedRun merged;
  merged.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (RunEntryLess(b[j], a[i])) {
      merged.push_back(b[j++]);
    } else {
      merged.push_back(a[i++]);
    }
  }
  merged.insert(merged.end(), a.begin() + i, a.end());
  merged.insert(merged.end(), b.begin() + j, b.end());
  return merged;
}

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_SORTED_RUN_H_
