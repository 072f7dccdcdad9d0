#include "engine/wal/wal_format.h"

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/common/file_names.h"
#include "engine/common/framing.h"

namespace infinitedb::wal {

void AppendOp(std::string* ops_bytes, OpKind kind, uint32_t space_id,
              const Point& point, std::string_view value) {
  ops_bytes->push_back(static_cast<char>(kind));
  PutFixed32(ops_bytes, space_id);
  ops_bytes->push_back(static_cast<char>(point.size()));
  for (uint32_t coordinate : point) PutFixed32(ops_bytes, coordinate);
  PutLengthPrefixed(ops_bytes, value);
}

void AppendReplicatedOp(std::string* ops_bytes, OpKind kind, uint32_t branch_id,
                        uint64_t hlc, uint32_t origin, uint32_t space_id,
                        const Point& point, std::string_view value) {
  ops_bytes->push_back(static_cast<char>(kind));
  PutFixed32(ops_bytes, branch_id);
  PutFixed64(ops_bytes, hlc);
  PutFixed32(ops_bytes, origin);
  // The rest is a type-1 operation without its kind byte.
  size_t start = ops_bytes->size();
  AppendOp(ops_bytes, kind, space_id, point, value);
  ops_bytes->erase(start, 1);
}

std::string EncodeCommitHeader(const CommitStamp& stamp, uint32_t branch_id,
                               uint32_t op_count) {
  std::string out;
  out.reserve(kCommitHeaderBytes);
  PutFixed64(&out, stamp.revision);
  PutFixed64(&out, stamp.hlc);
  PutFixed32(&out, stamp.origin);
  PutFixed32(&out, branch_id);
  PutFixed32(&out, op_count);
  return out;
}

void AppendCommitFrame(std::string* out, FrameType type,
                       const CommitStamp& stamp, uint32_t branch_id,
                       uint32_t op_count, std::string_view ops_bytes) {
  std::string header = EncodeCommitHeader(stamp, branch_id, op_count);
  char frame_header[framing::kHeaderBytes];
  framing::EncodeHeader(type, {header, ops_bytes}, frame_header);
  out->append(frame_header, framing::kHeaderBytes);
  out->append(header);
  out->append(ops_bytes);
}

absl::StatusOr<WalCommit> DecodeCommit(FrameType type,
                                       std::string_view payload) {
  if (type != kCommit && type != kReplicatedCommit) {
    return absl::DataLossError(absl::StrFormat("unknown frame type %d", type));
  }
  ByteReader reader(payload);
  WalCommit commit;
  uint32_t op_count = 0;
  if (!reader.ReadFixed64(&commit.stamp.revision) ||
      !reader.ReadFixed64(&commit.stamp.hlc) ||
      !reader.ReadFixed32(&commit.stamp.origin) ||
      !reader.ReadFixed32(&commit.branch_id) ||
      !reader.ReadFixed32(&op_count)) {
    return absl::DataLossError("commit header is short");
  }
  // Each op takes at least 10 bytes; do not trust op_count for reserve().
  if (op_count == 0 || op_count > reader.remaining() / 10) {
    return absl::DataLossError(absl::StrFormat("bad op count %d", op_count));
  }
  commit.ops.resize(op_count);
  for (WalOp& op : commit.ops) {
    uint8_t kind = 0, dims = 0;
    if (!reader.ReadByte(&kind))
      return absl::DataLossError("operation is short");
    if (type == kReplicatedCommit) {
      if (!reader.ReadFixed32(&op.branch_id) || !reader.ReadFixed64(&op.hlc) ||
          !reader.ReadFixed32(&op.origin)) {
        return absl::DataLossError("operation stamp is short");
      }
    } else {
      op.branch_id = commit.branch_id;
      op.hlc = commit.stamp.hlc;
      op.origin = commit.stamp.origin;
    }
    if (!reader.ReadFixed32(&op.space_id) || !reader.ReadByte(&dims)) {
      return absl::DataLossError("operation is short");
    }
    if ((kind != kPutOp && kind != kDeleteOp) || dims < kMinDims ||
        dims > kMaxStoredDims) {
      return absl::DataLossError(
          absl::StrFormat("bad operation kind %d or dims %d", kind, dims));
    }
    op.kind = static_cast<OpKind>(kind);
    op.point.resize(dims);
    for (uint32_t& coordinate : op.point) {
      if (!reader.ReadFixed32(&coordinate)) {
        return absl::DataLossError("coordinates are short");
      }
    }
    std::string_view value;
    if (!reader.ReadLengthPrefixed(&value)) {
      return absl::DataLossError("value is short");
    }
    op.value = std::string(value);
  }
  if (!reader.empty()) return absl::DataLossError("trailing bytes in commit");
  return commit;
}

std::string SegmentFileName(uint64_t number) {
  return NumberedFileName(number, ".log");
}

bool ParseSegmentFileName(std::string_view name, uint64_t* number) {
  return ParseNumberedFileName(name, ".log", number);
}

}  // namespace infinitedb::wal
