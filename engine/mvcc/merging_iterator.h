// Merges several version sources into one stream in internal-key order. A key
// present in more than one source (a memtable that is being sealed and the
// segment sealed from it) is yielded once.
#ifndef INFINITEDB_ENGINE_MVCC_MERGING_ITERATOR_H_
#define INFINITEDB_ENGINE_MVCC_MERGING_ITERATOR_H_

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "engine/common/key_compare.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/version_iterator.h"

namespace infinitedb::mvcc {

class MergingIterator : public VersionIterator {
 public:
  explicit MergingIterator(
      std::vector<std::unique_ptr<VersionIterator>> children)
      : children_(std::move(children)),
        keys_(children_.size()),
        views_(children_.size(), nullptr) {}

  void Seek(std::string_view internal_key) override {
    for (size_t i = 0; i < children_.size(); ++i) {
      children_[i]->Seek(internal_key);
      Load(i);
    }
    PickSmallest();
  }
  void SeekWithin(std::string_view internal_key,
                  std::string_view last) override {
    for (size_t i = 0; i < children_.size(); ++i) {
      children_[i]->SeekWithin(internal_key, last);
      Load(i);
    }
    PickSmallest();
  }
  bool Valid() const override { return current_ >= 0; }
  void Next() override {
    std::string_view key = keys_[current_];
    size_t key_bytes = std::min(key.size(), sizeof(previous_key_));
    std::memcpy(previous_key_, key.data(), key_bytes);
    std::string_view previous(previous_key_, key_bytes);
    // Skip every child sitting on the key just left, not only the current
    // one; duplicates are rare, so they are found as they come up.
    do {
      children_[current_]->Next();
      Load(current_);
      PickSmallest();
    } while (current_ >= 0 && KeysEqual(keys_[current_], previous));
  }
  const VersionView& version() const override { return *views_[current_]; }
  absl::Status status() const override {
    for (const auto& child : children_) {
      if (!child->status().ok()) return child->status();
    }
    return absl::OkStatus();
  }

 private:
  // Caches child i's current version and key (empty when it is exhausted),
  // so picking the smallest makes no virtual calls.
  void Load(size_t i) {
    if (children_[i]->Valid()) {
      views_[i] = &children_[i]->version();
      keys_[i] = views_[i]->key;
    } else {
      keys_[i] = std::string_view();
    }
  }

  // A linear pick: there are only a handful of sources per read.
  void PickSmallest() {
    current_ = -1;
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i].empty()) continue;
      if (current_ < 0 || CompareKeys(keys_[i], keys_[current_]) < 0) {
        current_ = static_cast<int>(i);
      }
    }
  }

  std::vector<std::unique_ptr<VersionIterator>> children_;
  std::vector<std::string_view> keys_;  // per child; empty = exhausted
  std::vector<const VersionView*> views_;
  int current_ = -1;                         // index of the smallest, or -1
  char previous_key_[kMaxInternalKeyBytes];  // scratch for Next()
};

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_MERGING_ITERATOR_H_
