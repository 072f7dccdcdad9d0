// The sealed segment file format. A segment holds the versions of one space
// (all branches) sealed from memtables or merged by compaction: immutable,
// sorted by internal key, cut into checksummed blocks, with a packed Hilbert
// R-tree over the blocks.
//
// File: <data_dir>/segments/NNNNNN.seg (file number from the manifest).
// All integers little-endian.
//
//   [block 0][block 1]...[block n-1][index][footer]
//
// Block (format 2; about TargetBlockBytes(space id) of contents -- 64 KiB,
// or 8 KiB for spaces whose keys have ordered axes, the graph's, which are
// read a record at a time; one branch per block):
//   payload       the block contents, compressed with `codec`
//   raw_size      u32   bytes of the contents
//   codec         u8    block_codec.h: 0 none, 1 LZ4, 2 zstd (the writer
//                       stores a block uncompressed when compressing does
//                       not make it smaller)
//   crc32c        u32   over payload, raw_size and codec
//
// Block contents: a header (branch, space, dims), the records in
// internal-key order in a compact layout, and the record count; byte by byte
// in stored_record.h. Reading a block rebuilds its version records
// (mvcc/version_record.h) with their offsets, the in-memory form below.
//
// Format 1 (still read) stored the in-memory form itself, uncompressed,
// followed directly by a crc32c over it:
//   records       record_count version records (mvcc/version_record.h) in
//                 internal-key order
//   offsets       record_count x u32: offset of each record from the start
//                 (binary search)
//   record_count  u32
//
// Index (both formats):
//   block_count   u32
//   dims          u8
//   fanout        u8      children per R-tree node (kTreeFanout)
//   level_count   u8      R-tree levels above the blocks
//   reserved      u8      0
//   block_count block entries:
//     offset        u64   of the block in the file
//     size          u32   bytes stored, checksum included
//     record_count  u32
//     min_revision  u64   smallest revision in the block
//     max_revision  u64   largest revision in the block
//     first_key     u32 length + bytes   first internal key of the block
//     last_key      u32 length + bytes   last internal key of the block
//     mbr           dims x (min u32, max u32)   bounding box of its points
//   level_count levels, bottom-up; level L (1-based) has
//     node_count    u32   = ceil(nodes of level L-1 / fanout)
//     node_count x mbr    node i covers children [i*fanout, (i+1)*fanout) of
//                         level L-1 (level 0 = the blocks); the top level has
//                         one node
//
// Footer (kFooterBytes = 40, at the end of the file):
//   index_offset   u64
//   index_size     u64
//   index_crc32c   u32   over the index bytes
//   format_version u32   kFormatVersion when written; 1 is also read
//   space_id       u32
//   reserved       u32   0
//   magic          u64   kMagic ("INFDBSEG" as little-endian bytes)
//
// Blocks are in key order, hence in (branch, Hilbert) order, so consecutive
// blocks are close in space and the MBRs of their runs stay tight: that is
// what makes the R-tree "packed Hilbert".
//
// Frozen: a change needs a new format_version and a reader for the old one.
#ifndef INFINITEDB_ENGINE_SEGMENT_SEGMENT_FORMAT_H_
#define INFINITEDB_ENGINE_SEGMENT_SEGMENT_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/types.h"

namespace infinitedb::segment {

inline constexpr size_t kTargetBlockBytes = 64 << 10;
// Blocks of the spaces read by point (mvcc/point_key.h: ordered axes, the
// graph's edges and indexes): a lookup that misses the cache then decodes
// 8 KiB, not 64.
inline constexpr size_t kPointReadBlockBytes = 8 << 10;
inline constexpr uint8_t kTreeFanout = 16;
inline constexpr size_t kFooterBytes = 40;
inline constexpr uint32_t kFormatVersion = 2;
inline constexpr uint32_t kOldestFormatVersion = 1;
inline constexpr uint64_t kMagic = 0x4745534244464E49ull;  // "INFDBSEG"
// raw_size + codec + crc32c after a format-2 block's payload.
inline constexpr size_t kBlockTrailerBytes = 9;

// Per-axis inclusive bounds.
struct Mbr {
  std::vector<uint32_t> min;
  std::vector<uint32_t> max;

  static Mbr Empty(int dims);
  void Extend(const Mbr& other);
  void Extend(const RecordView& version);
  bool Intersects(const Box& box) const;
  bool Contains(const Box& box) const;
};

struct BlockEntry {
  uint64_t offset = 0;
  uint32_t size = 0;
  uint32_t record_count = 0;
  Revision min_revision = 0;
  Revision max_revision = 0;
  std::string first_key;
  std::string last_key;
  Mbr mbr;
};

struct SegmentIndex {
  int dims = 0;
  std::vector<BlockEntry> blocks;
  // levels[0] is the first level above the blocks; levels.back() has one
  // node (when there are blocks).
  std::vector<std::vector<Mbr>> levels;
};

// What the manifest records about a finished segment.
struct SegmentProperties {
  uint64_t file_number = 0;
  uint32_t space_id = 0;
  uint64_t size_bytes = 0;
  uint64_t record_count = 0;
  uint32_t block_count = 0;
  Revision min_revision = 0;
  Revision max_revision = 0;
};

struct Footer {
  uint64_t index_offset = 0;
  uint64_t index_size = 0;
  uint32_t index_crc32c = 0;
  uint32_t space_id = 0;
  // Written as kFormatVersion; decoded as found (kOldestFormatVersion up).
  uint32_t format_version = kFormatVersion;
};

// Builds the R-tree levels over index->blocks.
void BuildTreeLevels(SegmentIndex* index);

std::string EncodeIndex(const SegmentIndex& index);
// DataLoss on any malformation; `path` names the file in errors.
absl::StatusOr<SegmentIndex> DecodeIndex(std::string_view bytes,
                                         const std::string& path);

std::string EncodeFooter(const Footer& footer);
absl::StatusOr<Footer> DecodeFooter(std::string_view bytes,
                                    const std::string& path);

// "000042.seg" for file number 42.
std::string SegmentFileName(uint64_t file_number);
bool ParseSegmentFileName(std::string_view name, uint64_t* file_number);

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_SEGMENT_FORMAT_H_
