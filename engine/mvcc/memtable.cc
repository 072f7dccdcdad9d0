#include "engine/mvcc/memtable.h"

#include <cstring>

#include "engine/common/coding.h"
#include "engine/common/key_compare.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/version_record.h"

namespace infinitedb::mvcc {
namespace {

std::string_view EntryKey(const char* entry) {
  return std::string_view(entry + 4, DecodeFixed32(entry));
}

}  // namespace

int MemTable::EntryCompare::operator()(const char* a, const char* b) const {
  return CompareKeys(EntryKey(a), EntryKey(b));
}

MemTable::MemTable() : list_(EntryCompare{}, &arena_) {}

void MemTable::Add(uint32_t branch_id, uint32_t space_id, const Point& point,
                   std::string_view hilbert_key, const CommitStamp& stamp,
                   bool deleted, std::string_view value) {
  list_.Insert(
      Encode(branch_id, space_id, point, hilbert_key, stamp, deleted, value));
  entry_count_.fetch_add(1, std::memory_order_relaxed);
}

const char* MemTable::Encode(uint32_t branch_id, uint32_t space_id,
                             const Point& point, std::string_view hilbert_key,
                             const CommitStamp& stamp, bool deleted,
                             std::string_view value) {
  char key[kKeyPrefixBytes + 4 * kMaxDims + kRevisionBytes];
  size_t key_bytes = kKeyPrefixBytes + hilbert_key.size() + kRevisionBytes;
  EncodeKeyPrefix(branch_id, space_id, key);
  std::memcpy(key + kKeyPrefixBytes, hilbert_key.data(), hilbert_key.size());
  EncodeBigEndian64(~stamp.revision, key + key_bytes - kRevisionBytes);
  char* entry = arena_.Allocate(VersionRecordBytes(key_bytes, value.size()));
  EncodeVersionRecord(std::string_view(key, key_bytes), stamp, deleted, point,
                      value, entry);
  return entry;
}

class MemTable::Iterator : public VersionIterator {
 public:
  explicit Iterator(const SkipList<EntryCompare>* list) : iterator_(list) {}

  void Seek(std::string_view internal_key) override {
    // The comparator reads entries, so wrap the target as a key-only entry.
    seek_buffer_.clear();
    PutFixed32(&seek_buffer_, static_cast<uint32_t>(internal_key.size()));
    seek_buffer_.append(internal_key);
    iterator_.Seek(seek_buffer_.data());
    Load();
  }
  bool Valid() const override { return iterator_.Valid(); }
  void Next() override {
    iterator_.Next();
    Load();
  }
  const VersionView& version() const override { return view_; }

 private:
  void Load() {
    if (iterator_.Valid()) view_ = DecodeVersionRecord(iterator_.entry());
  }

  SkipList<EntryCompare>::Iterator iterator_;
  std::string seek_buffer_;
  VersionView view_;
};

std::unique_ptr<VersionIterator> MemTable::NewIterator() const {
  return std::make_unique<Iterator>(&list_);
}

}  // namespace infinitedb::mvcc
