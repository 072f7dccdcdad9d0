#include "engine/mvcc/memtable.h"

#include <cstring>

#include "engine/common/coding.h"
#include "engine/mvcc/internal_key.h"

namespace infinitedb::mvcc {
namespace {

std::string_view EntryKey(const char* entry) {
  return std::string_view(entry + 4, DecodeFixed32(entry));
}

VersionView DecodeEntry(const char* entry) {
  VersionView view;
  view.key = EntryKey(entry);
  const char* p = entry + 4 + view.key.size();
  view.deleted = (p[0] & 1) != 0;
  view.stamp.revision = KeyRevision(view.key);
  view.stamp.hlc = DecodeFixed64(p + 1);
  view.stamp.origin = DecodeFixed32(p + 9);
  size_t coordinate_bytes = view.key.size() - kKeyPrefixBytes - kRevisionBytes;
  view.coordinates = std::string_view(p + 13, coordinate_bytes);
  p += 13 + coordinate_bytes;
  view.value = std::string_view(p + 4, DecodeFixed32(p));
  return view;
}

}  // namespace

int MemTable::EntryCompare::operator()(const char* a, const char* b) const {
  return EntryKey(a).compare(EntryKey(b));
}

MemTable::MemTable() : list_(EntryCompare{}, &arena_) {}

void MemTable::Add(uint32_t branch_id, uint32_t space_id, const Point& point,
                   std::string_view hilbert_key, const CommitStamp& stamp,
                   bool deleted, std::string_view value) {
  size_t key_bytes = kKeyPrefixBytes + hilbert_key.size() + kRevisionBytes;
  size_t entry_bytes =
      4 + key_bytes + 1 + 8 + 4 + 4 * point.size() + 4 + value.size();
  char* entry = arena_.Allocate(entry_bytes);
  char* p = entry;
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(key_bytes >> (8 * i));
  p += 4;
  EncodeKeyPrefix(branch_id, space_id, p);
  std::memcpy(p + kKeyPrefixBytes, hilbert_key.data(), hilbert_key.size());
  EncodeBigEndian64(~stamp.revision, p + key_bytes - kRevisionBytes);
  p += key_bytes;
  *p++ = deleted ? 1 : 0;
  for (int i = 0; i < 8; ++i) *p++ = static_cast<char>(stamp.hlc >> (8 * i));
  for (int i = 0; i < 4; ++i) *p++ = static_cast<char>(stamp.origin >> (8 * i));
  for (uint32_t c : point) {
    for (int i = 0; i < 4; ++i) *p++ = static_cast<char>(c >> (8 * i));
  }
  uint32_t value_bytes = static_cast<uint32_t>(value.size());
  for (int i = 0; i < 4; ++i) *p++ = static_cast<char>(value_bytes >> (8 * i));
  std::memcpy(p, value.data(), value.size());
  list_.Insert(entry);
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
    if (iterator_.Valid()) view_ = DecodeEntry(iterator_.entry());
  }

  SkipList<EntryCompare>::Iterator iterator_;
  std::string seek_buffer_;
  VersionView view_;
};

std::unique_ptr<VersionIterator> MemTable::NewIterator() const {
  return std::make_unique<Iterator>(&list_);
}

}  // namespace infinitedb::mvcc
