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
      : children_(std::move(children)) {}

  void Seek(std::string_view internal_key) override {
    for (auto& child : children_) child->Seek(internal_key);
    PickSmallest();
  }
  bool Valid() const override { return current_ != nullptr; }
  void Next() override {
    std::string_view key = current_->version().key;
    // Advance every child sitting on this key, not only the current one.
    for (auto& child : children_) {
      if (child.get() != current_ && child->Valid() &&
          KeysEqual(child->version().key, key)) {
        child->Next();
      }
    }
    current_->Next();
    PickSmallest();
  }
  const VersionView& version() const override { return current_->version(); }
  absl::Status status() const override {
    for (const auto& child : children_) {
      if (!child->status().ok()) return child->status();
    }
    return absl::OkStatus();
  }

 private:
  // A linear pick: there are only a handful of sources per read.
  void PickSmallest() {
    current_ = nullptr;
    for (auto& child : children_) {
      if (!child->Valid()) continue;
      if (current_ == nullptr ||
          CompareKeys(child->version().key, current_->version().key) < 0) {
        current_ = child.get();
      }
    }
  }

  std::vector<std::unique_ptr<VersionIterator>> children_;
  VersionIterator* current_ = nullptr;
};

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_MERGING_ITERATOR_H_
