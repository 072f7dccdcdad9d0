#include "engine/branch/merge_records.h"

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/mvcc/point_key.h"

namespace infinitedb::branch {
namespace {

constexpr uint8_t kRecordVersion = 1;

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(
      absl::StrFormat("merge record: a stored %s is malformed", what));
}

void PutSide(std::string* out, const SideVersion& side) {
  out->push_back(static_cast<char>(side.live));
  PutLengthPrefixed(out, side.value);
  PutFixed64(out, side.stamp.revision);
  PutFixed64(out, side.stamp.hlc);
  PutFixed32(out, side.stamp.origin);
}

bool ReadSide(ByteReader& reader, SideVersion* side) {
  uint8_t live = 0;
  std::string_view value;
  if (!reader.ReadByte(&live) || live > 1 ||
      !reader.ReadLengthPrefixed(&value) ||
      !reader.ReadFixed64(&side->stamp.revision) ||
      !reader.ReadFixed64(&side->stamp.hlc) ||
      !reader.ReadFixed32(&side->stamp.origin)) {
    return false;
  }
  side->live = live == 1;
  side->value = std::string(value);
  return true;
}

bool ReadString(ByteReader& reader, std::string* out) {
  std::string_view bytes;
  if (!reader.ReadLengthPrefixed(&bytes)) return false;
  *out = std::string(bytes);
  return true;
}

}  // namespace

std::string EncodeMergeState(const StoredMergeState& state) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutLengthPrefixed(&out, state.source);
  PutFixed32(&out, state.base_branch_id);
  PutFixed64(&out, state.base_revision);
  PutFixed64(&out, state.theirs_revision);
  PutFixed64(&out, state.next_conflict_id);
  if (state.base_hlc_cap != UINT64_MAX) {
    PutFixed64(&out, state.base_hlc_cap);
    PutFixed64(&out, state.base_floor);
  }
  return out;
}

absl::StatusOr<StoredMergeState> DecodeMergeState(std::string_view value) {
  ByteReader reader(value);
  uint8_t version = 0;
  StoredMergeState state;
  if (!reader.ReadByte(&version) || version != kRecordVersion ||
      !ReadString(reader, &state.source) ||
      !reader.ReadFixed32(&state.base_branch_id) ||
      !reader.ReadFixed64(&state.base_revision) ||
      !reader.ReadFixed64(&state.theirs_revision) ||
      !reader.ReadFixed64(&state.next_conflict_id)) {
    return Corrupt("merge state");
  }
  state.base_floor = state.base_revision;
  if (!reader.empty() &&
      (!reader.ReadFixed64(&state.base_hlc_cap) ||
       !reader.ReadFixed64(&state.base_floor) || !reader.empty())) {
    return Corrupt("merge state");
  }
  return state;
}

std::string EncodeConflict(const StoredConflict& conflict) {
  std::string out(1, static_cast<char>(kRecordVersion));
  out.push_back(static_cast<char>(conflict.kind));
  out.push_back(static_cast<char>(conflict.is_edge));
  PutLengthPrefixed(&out, conflict.space);
  out.push_back(static_cast<char>(conflict.point.size()));
  for (uint32_t c : conflict.point) PutFixed32(&out, c);
  PutSide(&out, conflict.base);
  PutSide(&out, conflict.ours);
  PutSide(&out, conflict.theirs);
  out.push_back(static_cast<char>(conflict.resolution));
  PutLengthPrefixed(&out, conflict.resolved_value);
  return out;
}

absl::StatusOr<StoredConflict> DecodeConflict(std::string_view value) {
  ByteReader reader(value);
  uint8_t version = 0, kind = 0, is_edge = 0, dims = 0, resolution = 0;
  StoredConflict conflict;
  if (!reader.ReadByte(&version) || version != kRecordVersion ||
      !reader.ReadByte(&kind) ||
      kind > static_cast<uint8_t>(ConflictKind::kDeletedInSource) ||
      !reader.ReadByte(&is_edge) || is_edge > 1 ||
      !ReadString(reader, &conflict.space) || !reader.ReadByte(&dims) ||
      dims > kMaxStoredDims) {
    return Corrupt("conflict");
  }
  conflict.point.resize(dims);
  for (uint32_t& c : conflict.point) {
    if (!reader.ReadFixed32(&c)) return Corrupt("conflict");
  }
  if (!ReadSide(reader, &conflict.base) || !ReadSide(reader, &conflict.ours) ||
      !ReadSide(reader, &conflict.theirs) || !reader.ReadByte(&resolution) ||
      resolution > static_cast<uint8_t>(Resolution::kDelete) ||
      !ReadString(reader, &conflict.resolved_value) || !reader.empty()) {
    return Corrupt("conflict");
  }
  conflict.kind = static_cast<ConflictKind>(kind);
  conflict.is_edge = is_edge == 1;
  conflict.resolution = static_cast<Resolution>(resolution);
  return conflict;
}

std::string EncodeBase(const StoredBase& base) {
  std::string out(1, static_cast<char>(kRecordVersion));
  PutFixed32(&out, base.branch_id);
  PutFixed64(&out, base.revision);
  return out;
}

absl::StatusOr<StoredBase> DecodeBase(std::string_view value) {
  ByteReader reader(value);
  uint8_t version = 0;
  StoredBase base;
  if (!reader.ReadByte(&version) || version != kRecordVersion ||
      !reader.ReadFixed32(&base.branch_id) ||
      !reader.ReadFixed64(&base.revision) || !reader.empty()) {
    return Corrupt("merge base");
  }
  return base;
}

absl::StatusOr<std::optional<std::string>> MergeRecordReader::Value(
    std::string_view branch, std::string_view space, const Point& point) const {
  absl::StatusOr<version::Snapshot> snapshot =
      versions_->NewSnapshot(branch, 0, space);
  if (absl::IsNotFound(snapshot.status()) &&
      !versions_->catalog().FindSpace(space).ok()) {
    return std::nullopt;  // nothing was ever merged
  }
  if (!snapshot.ok()) return snapshot.status();
  absl::StatusOr<std::optional<Record>> record = snapshot->reader.Get(point);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return std::nullopt;
  return std::move((*record)->value);
}

absl::StatusOr<std::optional<StoredMergeState>> MergeRecordReader::State(
    std::string_view target, uint32_t target_id) const {
  absl::StatusOr<std::optional<std::string>> value =
      Value(target, kMergeStateSpace, {target_id});
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  absl::StatusOr<StoredMergeState> state = DecodeMergeState(**value);
  if (!state.ok()) return state.status();
  return std::optional<StoredMergeState>(std::move(*state));
}

absl::StatusOr<std::optional<StoredConflict>> MergeRecordReader::Conflict(
    std::string_view target, uint32_t target_id, uint64_t id) const {
  if (id == 0 || id > UINT32_MAX) return std::nullopt;
  absl::StatusOr<std::optional<std::string>> value = Value(
      target, kMergeConflictsSpace, {target_id, static_cast<uint32_t>(id)});
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  absl::StatusOr<StoredConflict> conflict = DecodeConflict(**value);
  if (!conflict.ok()) return conflict.status();
  conflict->id = id;
  return std::optional<StoredConflict>(std::move(*conflict));
}

absl::StatusOr<std::vector<StoredConflict>> MergeRecordReader::Conflicts(
    std::string_view target, uint32_t target_id, uint64_t after,
    uint64_t limit) const {
  std::vector<StoredConflict> conflicts;
  if (after >= UINT32_MAX) return conflicts;
  if (!versions_->catalog().FindSpace(kMergeConflictsSpace).ok()) {
    return conflicts;
  }
  absl::StatusOr<version::Snapshot> snapshot =
      versions_->NewSnapshot(target, 0, kMergeConflictsSpace);
  if (!snapshot.ok()) return snapshot.status();
  const std::vector<uint32_t> first = {target_id,
                                       static_cast<uint32_t>(after + 1)};
  const std::vector<uint32_t> last = {target_id, UINT32_MAX};
  std::vector<hilbert::KeyRange> ranges = {
      {mvcc::PointKey(snapshot->space_id, first),
       mvcc::PointKey(snapshot->space_id, last)}};
  absl::Status decode_status;
  absl::Status status = snapshot->reader.Scan(
      ranges, nullptr, false, [&](const mvcc::VersionView& version) {
        absl::StatusOr<StoredConflict> conflict = DecodeConflict(version.value);
        if (!conflict.ok()) {
          decode_status = conflict.status();
          return false;
        }
        conflict->id = version.coordinate(1);
        conflicts.push_back(std::move(*conflict));
        return limit == 0 || conflicts.size() < limit;
      });
  if (!status.ok()) return status;
  if (!decode_status.ok()) return decode_status;
  return conflicts;
}

absl::StatusOr<std::optional<StoredBase>> MergeRecordReader::Base(
    std::string_view on, uint32_t a, uint32_t b) const {
  absl::StatusOr<std::optional<std::string>> value =
      Value(on, kMergeBasesSpace, {std::min(a, b), std::max(a, b)});
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  absl::StatusOr<StoredBase> base = DecodeBase(**value);
  if (!base.ok()) return base.status();
  return std::optional<StoredBase>(*base);
}

void MergeRecordWrites::Add(Mutation::Kind kind, std::string_view space,
                            Point point, std::string value) {
  points_.push_back(std::move(point));
  values_.push_back(std::move(value));
  mutations_.push_back({kind, space, &points_.back(), values_.back()});
}

void MergeRecordWrites::PutState(uint32_t target_id,
                                 const StoredMergeState& state) {
  Add(Mutation::Kind::kPut, kMergeStateSpace, {target_id},
      EncodeMergeState(state));
}

void MergeRecordWrites::DeleteState(uint32_t target_id) {
  Add(Mutation::Kind::kDelete, kMergeStateSpace, {target_id}, "");
}

void MergeRecordWrites::PutConflict(uint32_t target_id,
                                    const StoredConflict& conflict) {
  Add(Mutation::Kind::kPut, kMergeConflictsSpace,
      {target_id, static_cast<uint32_t>(conflict.id)},
      EncodeConflict(conflict));
}

void MergeRecordWrites::DeleteConflict(uint32_t target_id, uint64_t id) {
  Add(Mutation::Kind::kDelete, kMergeConflictsSpace,
      {target_id, static_cast<uint32_t>(id)}, "");
}

void MergeRecordWrites::PutBase(uint32_t a, uint32_t b,
                                const StoredBase& base) {
  Add(Mutation::Kind::kPut, kMergeBasesSpace, {std::min(a, b), std::max(a, b)},
      EncodeBase(base));
}

}  // namespace infinitedb::branch
