// The write-ahead log's on-disk format: segment files of CRC frames (see
// engine/common/framing.h for the frame layout), one frame per commit.
//
// Segment files: <data_dir>/wal/NNNNNN.log, NNNNNN = segment number, decimal,
// zero-padded to at least 6 digits, starting at 1 and increasing by one.
// Frames start at offset 0 and follow each other with no padding. Only the
// newest segment is ever appended to.
//
// Frame type 1 (kCommit), payload (integers little-endian):
//
//   offset  size   field
//   0       8      revision     server-wide commit number, strictly
//                               increasing along the log
//   8       8      hlc          hybrid logical clock: physical ms << 16 |
//                               logical counter
//   16      4      origin       node id of the server that made the commit
//   20      4      branch_id    internal id of the branch written (manifest)
//   24      4      op_count     number of operations that follow (>= 1)
//   28      ...    op_count operations, each:
//                    kind      1 byte   1 = put, 2 = delete
//                    space_id  4 bytes  internal id of the space (manifest)
//                    dims      1 byte   1..16
//                    coords    4*dims   one uint32 per axis
//                    value_len 4 bytes  0 for a delete
//                    value     value_len bytes
//
// Worked example: revision 7 putting "hi" at (1, 2) of space 3 on branch 1
// is a 28-byte commit header followed by the 20-byte op
// 01 | 03 00 00 00 | 02 | 01 00 00 00 02 00 00 00 | 02 00 00 00 | 68 69.
//
// Frame type 2 (kReplicatedCommit): changes received from other servers,
// applied as one local revision. The same 28-byte header (hlc and origin are
// this server's stamp for the commit, branch_id is 0), then op_count
// operations, each carrying its own branch and original stamp:
//                    kind      1 byte   1 = put, 2 = delete
//                    branch_id 4 bytes
//                    hlc       8 bytes  the stamp the change was made with
//                    origin    4 bytes  the node that made it
//                    space_id, dims, coords, value_len, value as in type 1
//
// Type numbers and layouts are frozen; new information gets a new type.
#ifndef INFINITEDB_ENGINE_WAL_WAL_FORMAT_H_
#define INFINITEDB_ENGINE_WAL_WAL_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/types.h"

namespace infinitedb::wal {

enum FrameType : uint8_t {
  kCommit = 1,
  kReplicatedCommit = 2,
};

enum OpKind : uint8_t {
  kPutOp = 1,
  kDeleteOp = 2,
};

inline constexpr size_t kCommitHeaderBytes = 28;

struct WalOp {
  OpKind kind = kPutOp;
  // For kCommit frames the commit's branch and stamp; kReplicatedCommit
  // frames carry them per operation.
  uint32_t branch_id = 0;
  uint64_t hlc = 0;
  uint32_t origin = 0;
  uint32_t space_id = 0;
  Point point;
  std::string value;
};

struct WalCommit {
  CommitStamp stamp;
  uint32_t branch_id = 0;
  std::vector<WalOp> ops;
};

// Appends one encoded operation to `ops_bytes`.
void AppendOp(std::string* ops_bytes, OpKind kind, uint32_t space_id,
              const Point& point, std::string_view value);

// Appends one encoded operation of a kReplicatedCommit frame.
void AppendReplicatedOp(std::string* ops_bytes, OpKind kind, uint32_t branch_id,
                        uint64_t hlc, uint32_t origin, uint32_t space_id,
                        const Point& point, std::string_view value);

// Encodes the fixed commit header.
std::string EncodeCommitHeader(const CommitStamp& stamp, uint32_t branch_id,
                               uint32_t op_count);

// Appends a whole commit frame of `type` (frame header, commit header, ops)
// to `out`.
void AppendCommitFrame(std::string* out, FrameType type,
                       const CommitStamp& stamp, uint32_t branch_id,
                       uint32_t op_count, std::string_view ops_bytes);

// Decodes a kCommit or kReplicatedCommit payload, filling every op's
// branch_id, hlc and origin. Any malformation is DataLoss, since the frame's
// checksum already matched.
absl::StatusOr<WalCommit> DecodeCommit(FrameType type,
                                       std::string_view payload);

// "000042.log" for segment 42.
std::string SegmentFileName(uint64_t number);
// Parses a segment file name; false for other names.
bool ParseSegmentFileName(std::string_view name, uint64_t* number);

}  // namespace infinitedb::wal

#endif  // INFINITEDB_ENGINE_WAL_WAL_FORMAT_H_
