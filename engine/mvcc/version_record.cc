#include "engine/mvcc/version_record.h"

#include <cstring>

#include "engine/common/coding.h"
#include "engine/mvcc/internal_key.h"

namespace infinitedb::mvcc {
namespace {

char* PutLittleEndian(char* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) *p++ = static_cast<char>(v >> (8 * i));
  return p;
}

char* EncodeHeader(std::string_view key, const CommitStamp& stamp, bool deleted,
                   char* p) {
  p = PutLittleEndian(p, key.size(), 4);
  std::memcpy(p, key.data(), key.size());
  p += key.size();
  *p++ = deleted ? 1 : 0;
  p = PutLittleEndian(p, stamp.hlc, 8);
  return PutLittleEndian(p, stamp.origin, 4);
}

char* EncodeValue(std::string_view value, char* p) {
  p = PutLittleEndian(p, value.size(), 4);
  std::memcpy(p, value.data(), value.size());
  return p + value.size();
}

}  // namespace

char* EncodeVersionRecord(std::string_view key, const CommitStamp& stamp,
                          bool deleted, const Point& point,
                          std::string_view value, char* out) {
  char* p = EncodeHeader(key, stamp, deleted, out);
  for (uint32_t c : point) p = PutLittleEndian(p, c, 4);
  return EncodeValue(value, p);
}

char* EncodeVersionRecord(const RecordView& version, char* out) {
  char* p = EncodeHeader(version.key, version.stamp, version.deleted, out);
  std::memcpy(p, version.coordinates.data(), version.coordinates.size());
  return EncodeValue(version.value, p + version.coordinates.size());
}

bool DecodeVersionRecordChecked(const char* record, size_t available,
                                RecordView* view, size_t* record_bytes) {
  if (available < 4) return false;
  size_t key_bytes = DecodeFixed32(record);
  size_t coordinate_bytes = key_bytes - kKeyPrefixBytes - kRevisionBytes;
  if (key_bytes < kKeyPrefixBytes + kRevisionBytes + 4 ||
      key_bytes > kKeyPrefixBytes + kRevisionBytes + 4 * kMaxStoredDims ||
      coordinate_bytes % 4 != 0) {
    return false;
  }
  size_t fixed = 4 + key_bytes + 13 + coordinate_bytes + 4;
  if (available < fixed) return false;
  size_t value_bytes = DecodeFixed32(record + fixed - 4);
  if (available - fixed < value_bytes) return false;
  *view = DecodeVersionRecord(record);
  *record_bytes = fixed + value_bytes;
  return true;
}

}  // namespace infinitedb::mvcc
