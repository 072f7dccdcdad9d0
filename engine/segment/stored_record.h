// The compact layout of the records inside a format-2 segment block
// (segment_format.h), and its expansion back into version records
// (mvcc/version_record.h), the layout the block cache and the read path use.
//
// Every record of a block shares its branch and space, and consecutive
// records share the leading bytes of their Hilbert keys (they are in key
// order), so neither is stored in full; neither are the record offsets (they
// follow from reading the records in order). All integers little-endian.
//
// Block contents (format 2):
//   branch_id     u32   the branch of every record of the block
//   space_id      u32   the segment's space
//   dims          u8    1..16
//   records       record_count stored records, in internal-key order:
//     shared        u8    leading bytes of the Hilbert key equal to the
//                         previous record's (0 in the first record)
//     key_suffix    4*dims - shared bytes: the rest of the Hilbert key
//     revision      u64
//     flags         u8    bit 0: tombstone; other bits 0
//     hlc           u64
//     origin        u32
//     coordinates   dims x u32
//     value_len     u32
//     value         value_len bytes
//   record_count  u32
//
// Example: the first record of a block, a put of "ab" at (1, 2) (Hilbert
// key 00 00 00 00 00 00 00 07) at revision 5: 00, the 8 key bytes, 05 00 00
// 00 00 00 00 00, 00, the HLC (8), the origin (4), 01 00 00 00 02 00 00 00,
// 02 00 00 00, 61 62: 44 bytes.
#ifndef INFINITEDB_ENGINE_SEGMENT_STORED_RECORD_H_
#define INFINITEDB_ENGINE_SEGMENT_STORED_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/public/types.h"

namespace infinitedb::segment {

// Starts the contents of a block.
void AppendStoredBlockHeader(uint32_t branch_id, uint32_t space_id, int dims,
                             std::string* out);
// Appends one record (of the header's branch, space and dims);
// `previous_hilbert` is the Hilbert key of the block's previous record
// (empty for the first).
void AppendStoredRecord(const RecordView& version,
                        std::string_view previous_hilbert, std::string* out);

// Widens the last run's bounds by a record's `coordinates` (dims u32
// little-endian), or starts a run with them: per run the least then the
// greatest coordinate of each axis.
void ExtendRunBounds(const char* coordinates, int dims, bool new_run,
                     std::vector<uint32_t>* bounds);

// Rebuilds the block's version records from `contents` (header, records,
// record_count) into `out` as format-1 block contents: the version records,
// their u32 offsets, the record count. False when `contents` is malformed
// (keys not strictly increasing included). With `run_bounds`, also gives
// per run of `run_records` consecutive records the least then the greatest
// coordinate of each axis (2 x dims values a run), so that the expanded
// block needs no second pass.
bool ExpandStoredBlock(std::string_view contents, std::string* out,
                       uint32_t run_records = 0,
                       std::vector<uint32_t>* run_bounds = nullptr);

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_STORED_RECORD_H_
