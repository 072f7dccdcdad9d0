// Merges several version sources into one stream in internal-key order. A key
// present in more than one source (a memtable that is being sealed and the
// segment sealed from it) is yielded once.
#ifndef INFINITEDB_ENGINE_MVCC_MERGING_ITERATOR_H_
#define INFINITEDB_ENGINE_MVCC_MERGING_ITERATOR_H_

#include <memory>
#include <vector>

#include "engine/common/key_compare.h"
#include "engine/mvcc/version_iterator.h"

namespace infinitedb::mvcc {

class MergingIterator : public VersionIterator {
 public:
  explicit MergingIterator(
      std::vector<std::unique_ptr<VersionIterator>> children)
      : children_(std::move(children)), keys_(children_.size()) {}

  void Seek(std::string_view internal_key) override {
    for (size_t i = 0; i < children_.size(); ++i) {
      children_[i]->Seek(internal_key);
      Load(i);
    }
    PickSmallest();
  }
  bool Valid() const override { return current_ >= 0; }
  void Next() override {
    std::string_view key = keys_[current_];
    // Advance every child sitting on this key, not only the current one.
    for (size_t i = 0; i < children_.size(); ++i) {
      if (static_cast<int>(i) != current_ && !keys_[i].empty() &&
          KeysEqual(keys_[i], key)) {
        children_[i]->Next();
        Load(i);
      }
    }
    children_[current_]->Next();
    Load(current_);
    PickSmallest();
  }
  const VersionView& version() const override {
    return children_[current_]->version();
  }
  absl::Status status() const override {
    for (const auto& child : children_) {
      if (!child->status().ok()) return child->status();
    }
    return absl::OkStatus();
  }

 private:
  // Caches child i's current key (empty when it is exhausted), so picking
  // the smallest makes no virtual calls.
  void Load(size_t i) {
    keys_[i] = children_[i]->Valid() ? children_[i]->version().key
                                     : std::string_view();
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
  int current_ = -1;                    // index of the smallest, or -1
};

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_MERGING_ITERATOR_H_
