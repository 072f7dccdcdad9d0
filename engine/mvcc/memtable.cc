#include "engine/mvcc/memtable.h"

#include <algorithm>
#include <cstring>

#include "engine/common/coding.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/version_record.h"

namespace infinitedb::mvcc {
void MemTable::BatchAdder::Add(uint32_t branch_id, uint32_t space_id,
                               const Point& point, std::string_view hilbert_key,
                               const CommitStamp& stamp, bool deleted,
                               std::string_view value) {
  run_.push_back(table_->Encode(branch_id, space_id, point, hilbert_key, stamp,
                                deleted, value));
}

void MemTable::BatchAdder::Finish() {
  if (!run_.empty()) table_->AddRun(std::move(run_), /*merge=*/true);
  run_.clear();
}

void MemTable::BatchAdder::Sort() {
  if (!std::is_sorted(run_.begin(), run_.end(), RunEntryLess)) {
    std::sort(run_.begin(), run_.end(), RunEntryLess);
  }
}

void MemTable::BatchAdder::Publish() {
  if (!run_.empty()) table_->AddRun(std::move(run_), /*merge=*/false);
  run_.clear();
}

void MemTable::Add(uint32_t branch_id, uint32_t space_id, const Point& point,
                   std::string_view hilbert_key, const CommitStamp& stamp,
                   bool deleted, std::string_view value) {
  BatchAdder adder(this);
  adder.Add(branch_id, space_id, point, hilbert_key, stamp, deleted, value);
  adder.Finish();
}

RunEntry MemTable::Encode(uint32_t branch_id, uint32_t space_id,
                          const Point& point, std::string_view hilbert_key,
                          const CommitStamp& stamp, bool deleted,
                          std::string_view value) {
  char key[kKeyPrefixBytes + 4 * kMaxStoredDims + kRevisionBytes];
  size_t key_bytes = kKeyPrefixBytes + hilbert_key.size() + kRevisionBytes;
  EncodeKeyPrefix(branch_id, space_id, key);
  std::memcpy(key + kKeyPrefixBytes, hilbert_key.data(), hilbert_key.size());
  EncodeBigEndian64(~stamp.revision, key + key_bytes - kRevisionBytes);
  std::string_view key_view(key, key_bytes);
  char* entry = arena_.Allocate(VersionRecordBytes(key_bytes, value.size()));
  EncodeVersionRecord(key_view, stamp, deleted, point, value, entry);
  return RunEntry{RunKeyHead::Of(key_view), entry};
}

void MemTable::AddRun(SortedRun run, bool merge) {
  if (!std::is_sorted(run.begin(), run.end(), RunEntryLess)) {
    std::sort(run.begin(), run.end(), RunEntryLess);
  }
  entry_count_.fetch_add(run.size(), std::memory_order_relaxed);
  auto shared = std::make_shared<const SortedRun>(std::move(run));
  if (merge) {
    runs_.Add(std::move(shared));
  } else {
    runs_.Append(std::move(shared));
  }
}

// Merges the runs of one published list; keys are unique across runs.
class MemTable::Iterator : public VersionIterator {
 public:
  explicit Iterator(std::shared_ptr<const RunSet::RunList> runs)
      : runs_(std::move(runs)), positions_(runs_->size(), 0) {}

  void Seek(std::string_view internal_key) override {
    RunKeyHead head = RunKeyHead::Of(internal_key);
    for (size_t i = 0; i < runs_->size(); ++i) {
      positions_[i] = RunLowerBound(*(*runs_)[i], head, internal_key);
    }
    PickSmallest();
  }
  bool Valid() const override { return current_ != nullptr; }
  void Next() override {
    ++positions_[current_run_];
    PickSmallest();
  }
  const VersionView& version() const override { return view_; }

 private:
  void PickSmallest() {
    current_ = nullptr;
    for (size_t i = 0; i < runs_->size(); ++i) {
      const SortedRun& run = *(*runs_)[i];
      if (positions_[i] == run.size()) continue;
      const RunEntry& candidate = run[positions_[i]];
      if (current_ == nullptr || RunEntryLess(candidate, *current_)) {
        current_ = &candidate;
        current_run_ = i;
      }
    }
    if (current_ != nullptr) view_ = DecodeVersionRecord(current_->entry);
  }

  const std::shared_ptr<const RunSet::RunList> runs_;
  std::vector<size_t> positions_;  // per run: the next entry
  const RunEntry* current_ = nullptr;
  size_t current_run_ = 0;
  VersionView view_;
};

std::unique_ptr<VersionIterator> MemTable::NewIterator() const {
  return std::make_unique<Iterator>(runs_.Snapshot());
}

}  // namespace infinitedb::mvcc
