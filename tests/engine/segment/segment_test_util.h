// Helpers shared by the segment tests: versions that own their bytes,
// writing them as a segment (through a memtable, which yields them in
// internal-key order), and draining an iterator back into owned versions.
#ifndef INFINITEDB_TESTS_ENGINE_SEGMENT_SEGMENT_TEST_UTIL_H_
#define INFINITEDB_TESTS_ENGINE_SEGMENT_SEGMENT_TEST_UTIL_H_

#include <algorithm>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "engine/common/coding.h"
#include "engine/hilbert/hilbert.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/memtable.h"
#include "engine/mvcc/version_record.h"
#include "engine/segment/segment_reader.h"
#include "engine/segment/segment_writer.h"

namespace infinitedb::testing {

// One version with owned bytes; `key` is its internal key.
struct TestVersion {
  std::string key;
  CommitStamp stamp;
  bool deleted = false;
  Point point;
  std::string value;

  uint32_t branch_id() const { return DecodeBigEndian32(key.data()); }
};

inline bool operator==(const TestVersion& a, const TestVersion& b) {
  return a.key == b.key && a.stamp.revision == b.stamp.revision &&
         a.stamp.hlc == b.stamp.hlc && a.stamp.origin == b.stamp.origin &&
         a.deleted == b.deleted && a.point == b.point && a.value == b.value;
}

inline std::ostream& operator<<(std::ostream& out, const TestVersion& v) {
  return out << "{key " << absl::BytesToHexString(v.key) << " revision "
             << v.stamp.revision << " hlc " << v.stamp.hlc << " origin "
             << v.stamp.origin << " deleted " << v.deleted << " value "
             << v.value.size() << " bytes}";
}

inline TestVersion MakeVersion(uint32_t branch_id, uint32_t space_id,
                               Point point, Revision revision, bool deleted,
                               std::string value) {
  TestVersion v;
  v.key = mvcc::EncodeInternalKey(branch_id, space_id,
                                  hilbert::EncodeToString(point), revision);
  v.stamp = {revision, (revision << 16) | 7, branch_id * 100 + 1};
  v.deleted = deleted;
  v.point = std::move(point);
  v.value = std::move(value);
  return v;
}

// The record bytes of `v` (mvcc/version_record.h); DecodeVersionRecord on
// them gives `v` as a RecordView.
inline std::string EncodeRecord(const TestVersion& v) {
  std::string out(mvcc::VersionRecordBytes(v.key.size(), v.value.size()), '\0');
  mvcc::EncodeVersionRecord(v.key, v.stamp, v.deleted, v.point, v.value,
                            out.data());
  return out;
}

inline TestVersion FromView(const RecordView& view) {
  return {std::string(view.key), view.stamp, view.deleted, view.point(),
          std::string(view.value)};
}

inline std::string KeyPrefix(uint32_t branch_id, uint32_t space_id) {
  std::string prefix(mvcc::kKeyPrefixBytes, '\0');
  mvcc::EncodeKeyPrefix(branch_id, space_id, prefix.data());
  return prefix;
}

inline void SortByKey(std::vector<TestVersion>* versions) {
  std::sort(
      versions->begin(), versions->end(),
      [](const TestVersion& a, const TestVersion& b) { return a.key < b.key; });
}

// Writes `versions` (any order, keys unique) as segment `path`.
inline absl::StatusOr<segment::SegmentProperties> WriteSegment(
    const std::string& path, uint64_t file_number, uint32_t space_id, int dims,
    const std::vector<TestVersion>& versions,
    segment::BlockCodec codec = segment::BlockCodec::kLz4) {
  mvcc::MemTable memtable;
  for (const TestVersion& v : versions) {
    memtable.Add(v.branch_id(), space_id, v.point, mvcc::KeyHilbert(v.key),
                 v.stamp, v.deleted, v.value);
  }
  auto writer = segment::SegmentWriter::Create(
      DefaultFileSystem(), path, file_number, space_id, dims, codec);
  if (!writer.ok()) return writer.status();
  std::unique_ptr<mvcc::VersionIterator> it = memtable.NewIterator();
  for (it->Seek(""); it->Valid(); it->Next()) {
    absl::Status status = (*writer)->Add(it->version());
    if (!status.ok()) return status;
  }
  return (*writer)->Finish();
}

// Every version the iterator yields from `start`, until it ends.
inline std::vector<TestVersion> Drain(mvcc::VersionIterator* it,
                                      std::string_view start = "") {
  std::vector<TestVersion> out;
  for (it->Seek(start); it->Valid(); it->Next()) {
    out.push_back(FromView(it->version()));
  }
  return out;
}

inline std::vector<uint32_t> AllBlocks(const segment::SegmentReader& reader) {
  std::vector<uint32_t> all(reader.index().blocks.size());
  for (uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
}

inline bool BoxContains(const Box& box, const Point& point) {
  for (size_t i = 0; i < point.size(); ++i) {
    if (point[i] < box.min[i] || point[i] > box.max[i]) return false;
  }
  return true;
}

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_ENGINE_SEGMENT_SEGMENT_TEST_UTIL_H_
