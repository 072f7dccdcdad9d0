#include "engine/replication/auth_records.h"

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"

namespace infinitedb::replication {
namespace {

constexpr uint8_t kRecordVersion = 1;
constexpr uint32_t kAuthClass = 3;

}  // namespace

Point AuthRecordPoint(std::string_view key) {
  const uint64_t hash = Fnv1a64(key);
  return {kAuthClass, static_cast<uint32_t>(hash >> 32),
          static_cast<uint32_t>(hash)};
}

std::string EncodeAuthRecord(std::string_view key, std::string_view payload) {
  std::string out;
  out.push_back(static_cast<char>(kRecordVersion));
  PutLengthPrefixed(&out, key);
  PutLengthPrefixed(&out, payload);
  return out;
}

absl::StatusOr<AuthRecord> DecodeAuthRecord(std::string_view value,
                                            std::string_view field) {
  ByteReader reader(value);
  uint8_t version = 0;
  std::string_view key, payload;
  const bool ok = reader.ReadByte(&version) && version == kRecordVersion &&
                  reader.ReadLengthPrefixed(&key) &&
                  reader.ReadLengthPrefixed(&payload) && reader.empty();
  if (!ok || key.empty() || key.size() > kMaxAuthKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: not an access-control record", field));
  }
  return AuthRecord{std::string(key), std::string(payload)};
}

absl::Status CheckAuthOp(const ChangeOp& op, std::string_view field) {
  if (op.branch != kMainBranch || op.point.size() != kAuthDims ||
      op.point[0] != kAuthClass) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: an access-control record is on main at %d coordinates", field,
        kAuthDims));
  }
  if (op.deleted) return absl::OkStatus();
  absl::StatusOr<AuthRecord> record =
      DecodeAuthRecord(op.value, std::string(field) + ".value");
  if (!record.ok()) return record.status();
  if (AuthRecordPoint(record->key) != op.point) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.point: not the address of its key's record", field));
  }
  return absl::OkStatus();
}

}  // namespace infinitedb::replication
