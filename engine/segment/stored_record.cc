#include "engine/segment/stored_record.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "engine/common/coding.h"
#include "engine/common/key_compare.h"
#include "engine/mvcc/internal_key.h"

namespace infinitedb::segment {
namespace {

constexpr size_t kHeaderBytes = 4 + 4 + 1;
// revision, flags, hlc, origin (before the coordinates).
constexpr size_t kRecordFixedBytes = 8 + 1 + 8 + 4;

}  // namespace

void AppendStoredBlockHeader(uint32_t branch_id, uint32_t space_id, int dims,
                             std::string* out) {
  PutFixed32(out, branch_id);
  PutFixed32(out, space_id);
  out->push_back(static_cast<char>(dims));
}

void AppendStoredRecord(const RecordView& version,
                        std::string_view previous_hilbert, std::string* out) {
  std::string_view hilbert_key = mvcc::KeyHilbert(version.key);
  size_t shared = 0;
  while (shared < previous_hilbert.size() && shared < hilbert_key.size() &&
         previous_hilbert[shared] == hilbert_key[shared]) {
    ++shared;
  }
  out->push_back(static_cast<char>(shared));
  out->append(hilbert_key.substr(shared));
  PutFixed64(out, version.stamp.revision);
  out->push_back(version.deleted ? 1 : 0);
  PutFixed64(out, version.stamp.hlc);
  PutFixed32(out, version.stamp.origin);
  out->append(version.coordinates);
  PutFixed32(out, static_cast<uint32_t>(version.value.size()));
  out->append(version.value);
}

// Widens the last run's bounds (or starts a run) by a record's
// coordinates.
void ExtendRunBounds(const char* coordinates, int dims, bool new_run,
                     std::vector<uint32_t>* bounds) {
  if (new_run) {
    bounds->insert(bounds->end(), dims, UINT32_MAX);
    bounds->insert(bounds->end(), dims, 0);
  }
  uint32_t* run = bounds->data() + bounds->size() - 2 * dims;
  for (int a = 0; a < dims; ++a) {
    const uint32_t c = DecodeFixed32(coordinates + 4 * a);
    run[a] = std::min(run[a], c);
    run[dims + a] = std::max(run[dims + a], c);
  }
}

bool ExpandStoredBlock(std::string_view contents, std::string* out,
                       uint32_t run_records,
                       std::vector<uint32_t>* run_bounds) {
  if (contents.size() < kHeaderBytes + 4) return false;
  const char* p = contents.data();
  const uint32_t branch_id = DecodeFixed32(p);
  const uint32_t space_id = DecodeFixed32(p + 4);
  const int dims = static_cast<uint8_t>(p[8]);
  if (dims < 1 || dims > kMaxStoredDims) return false;
  const uint32_t record_count =
      DecodeFixed32(contents.data() + contents.size() - 4);
  const size_t hilbert_bytes = 4 * dims;
  const size_t coordinate_bytes = 4 * dims;
  const size_t key_bytes = mvcc::InternalKeyBytes(dims);
  // shared, revision, flags, hlc, origin, coordinates, value_len: the
  // least a record takes. A count larger than that allows is malformed
  // (and reserves nothing).
  const size_t least_record_bytes =
      1 + kRecordFixedBytes + coordinate_bytes + 4;
  const size_t records_end = contents.size() - 4;
  if (record_count == 0 ||
      (records_end - kHeaderBytes) / least_record_bytes < record_count) {
    return false;
  }
  out->clear();
  out->reserve(contents.size() + size_t{record_count} * (4 + key_bytes + 4));
  if (run_bounds != nullptr) {
    run_bounds->clear();
    run_bounds->reserve(2 * dims * (record_count / run_records + 1));
  }
  std::vector<uint32_t> offsets;
  offsets.reserve(record_count);
  char key[mvcc::kMaxInternalKeyBytes];
  mvcc::EncodeKeyPrefix(branch_id, space_id, key);
  char* hilbert_key = key + mvcc::kKeyPrefixBytes;  // holds the previous one
  char previous_key[mvcc::kMaxInternalKeyBytes];
  size_t at = kHeaderBytes;
  for (uint32_t i = 0; i < record_count; ++i) {
    if (records_end - at < least_record_bytes) return false;
    const size_t shared = static_cast<uint8_t>(contents[at]);
    if (shared > hilbert_bytes || (i == 0 && shared != 0)) return false;
    const size_t suffix = hilbert_bytes - shared;
    if (records_end - at < least_record_bytes + suffix) return false;
    std::memcpy(hilbert_key + shared, contents.data() + at + 1, suffix);
    const char* r = contents.data() + at + 1 + suffix;
    const char* coordinates = r + kRecordFixedBytes;
    const uint32_t value_bytes = DecodeFixed32(coordinates + coordinate_bytes);
    const size_t stored_bytes = 1 + suffix + kRecordFixedBytes +
                                coordinate_bytes + 4 + size_t{value_bytes};
    if (records_end - at < stored_bytes) return false;
    if ((r[8] & ~1) != 0) return false;  // unknown flag bits
    EncodeBigEndian64(~DecodeFixed64(r),
                      key + key_bytes - mvcc::kRevisionBytes);
    // Keys strictly increase: a block out of order would make searches
    // miss records.
    std::string_view this_key(key, key_bytes);
    if (i > 0 &&
        CompareKeys(std::string_view(previous_key, key_bytes), this_key) >= 0) {
      return false;
    }
    std::memcpy(previous_key, key, key_bytes);
    if (run_bounds != nullptr) {
      ExtendRunBounds(coordinates, dims, i % run_records == 0, run_bounds);
    }
    offsets.push_back(static_cast<uint32_t>(out->size()));
    // The version record: key_length, key, then flags, hlc and origin,
    // coordinates, value_len and value as stored.
    PutFixed32(out, static_cast<uint32_t>(key_bytes));
    out->append(key, key_bytes);
    out->append(r + 8, 1 + 8 + 4);
    out->append(coordinates, coordinate_bytes + 4 + value_bytes);
    at += stored_bytes;
  }
  if (at != records_end) return false;
  for (uint32_t offset : offsets) PutFixed32(out, offset);
  PutFixed32(out, record_count);
  return true;
}

}  // namespace infinitedb::segment
