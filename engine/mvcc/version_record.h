// The byte layout of one stored version, shared by memtable entries and the
// records inside sealed segment blocks (integers little-endian unless noted):
//
//   key_length  4 bytes
//   key         key_length bytes   internal key (internal_key.h, big-endian)
//   flags       1 byte             bit 0: tombstone; other bits 0
//   hlc         8 bytes
//   origin      4 bytes
//   coordinates 4*dims bytes       dims = (key_length - 16) / 4
//   value_len   4 bytes
//   value       value_len bytes
//
// Example: a put of "ab" at (1, 2) in a 2-D space: key_length 24 (8 prefix +
// 8 Hilbert + 8 revision), the key, 00, the HLC, the origin,
// 01 00 00 00 02 00 00 00, 02 00 00 00, 61 62: 55 bytes in all.
//
// Frozen: format-1 segment blocks store records in this layout, and format-2
// blocks (segment/stored_record.h) are expanded into it when read.
#ifndef INFINITEDB_ENGINE_MVCC_VERSION_RECORD_H_
#define INFINITEDB_ENGINE_MVCC_VERSION_RECORD_H_

#include <cstdint>
#include <string_view>

#include "engine/common/coding.h"
#include "engine/public/types.h"

namespace infinitedb::mvcc {

inline constexpr size_t kVersionRecordFixedBytes = 4 + 1 + 8 + 4 + 4;

// Bytes one record takes for a key of `key_bytes` and a value of
// `value_bytes` (coordinates included).
inline size_t VersionRecordBytes(size_t key_bytes, size_t value_bytes) {
  return kVersionRecordFixedBytes + key_bytes + (key_bytes - 16) + value_bytes;
}

// Writes a record at `out`, which must have VersionRecordBytes() of room.
// `key` is the internal key; `coordinates_le` the point as dims uint32 LE
// (or nullptr, when `point` is given instead). Returns the end.
char* EncodeVersionRecord(std::string_view key, const CommitStamp& stamp,
                          bool deleted, const Point& point,
                          std::string_view value, char* out);
// Same, copying the coordinates from an already encoded record view.
char* EncodeVersionRecord(const RecordView& version, char* out);

// Decodes the record at `record`. The view points into the record's bytes.
// Inline: it runs for every version a read visits.
inline RecordView DecodeVersionRecord(const char* record) {
  RecordView view;
  size_t key_bytes = DecodeFixed32(record);
  view.key = std::string_view(record + 4, key_bytes);
  const char* p = record + 4 + key_bytes;
  view.deleted = (p[0] & 1) != 0;
  view.stamp.revision = ~DecodeBigEndian64(p - 8);
  view.stamp.hlc = DecodeFixed64(p + 1);
  view.stamp.origin = DecodeFixed32(p + 9);
  size_t coordinate_bytes = key_bytes - 16;  // minus prefix and revision
  view.coordinates = std::string_view(p + 13, coordinate_bytes);
  p += 13 + coordinate_bytes;
  view.value = std::string_view(p + 4, DecodeFixed32(p));
  return view;
}

// The coordinates (dims uint32, little-endian) of the record at `record`.
inline const char* VersionRecordCoordinates(const char* record) {
  return record + 4 + DecodeFixed32(record) + 13;
}

// Decodes with bounds checks against `available` bytes; false if the record
// does not fit or is malformed (used on bytes read back from disk).
bool DecodeVersionRecordChecked(const char* record, size_t available,
                                RecordView* view, size_t* record_bytes);

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_VERSION_RECORD_H_
