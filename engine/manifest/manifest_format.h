// The manifest's on-disk format: <data_dir>/MANIFEST, a sequence of CRC
// frames (engine/common/framing.h), one catalogue edit per frame. Replaying
// the edits in order gives the catalogue. On open the file is rewritten
// compactly (MANIFEST.tmp, fsync, rename, fsync of the directory).
//
// Edit payloads (integers little-endian; "name" is a 4-byte length + bytes):
//
//   type 1 kSpaceCreated   space_id u32 | dims u8 | created_revision u64 |
//                          name
//   type 2 kSpaceDropped   space_id u32
//   type 3 kBranchCreated  branch_id u32 | parent_id u32 | fork_revision u64 |
//                          name [| fork_hlc u64 | fork_origin u32]
//                          (the fork's stamp: absent in older manifests,
//                          read as 0); a later one with the same id moves
//                          the branch's fork
//   type 4 kCounters       next_space_id u32 | next_branch_id u32 |
//                          revision_floor u64
//   type 5 kSegmentAdded   file_number u64 | space_id u32 | size_bytes u64 |
//                          record_count u64 | block_count u32 |
//                          min_revision u64 | max_revision u64
//   type 6 kSegmentRemoved file_number u64
//   type 7 kSealed         sealed_revision u64 | next_file_number u64
//                          every revision <= sealed_revision is in segments;
//                          the WAL is replayed above it
//   type 8 kHistoryHorizon horizon u64: compaction may have dropped versions
//                          older than this; reads below it are OutOfRange
//   type 9 kHlcFloor       hlc u64: no stamp in the segments is above it,
//                          so the clock restarts above it even once the WAL
//                          that held those stamps is released
//   type 10 kBranchDropped branch_id u32
//   type 11 kBranchHead    branch_id u32 | head_revision u64: the branch's
//                          newest commit at some seal (newer ones are
//                          replayed from the WAL)
//
// kCounters keeps ids of dropped spaces from being reused (their versions may
// still be in the WAL) and a floor under the revision counter: every revision
// that a branch fork or a space creation has seen. After recovery the next
// revision is above both the floor and every revision in the WAL.
//
// Type numbers and layouts are frozen; new information gets a new type.
#ifndef INFINITEDB_ENGINE_MANIFEST_MANIFEST_FORMAT_H_
#define INFINITEDB_ENGINE_MANIFEST_MANIFEST_FORMAT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/public/types.h"
#include "engine/segment/segment_format.h"

namespace infinitedb::manifest {

enum EditType : uint8_t {
  kSpaceCreated = 1,
  kSpaceDropped = 2,
  kBranchCreated = 3,
  kCounters = 4,
  kSegmentAdded = 5,
  kSegmentRemoved = 6,
  kSealed = 7,
  kHistoryHorizon = 8,
  kHlcFloor = 9,
  kBranchDropped = 10,
  kBranchHead = 11,
};

inline constexpr char kManifestFileName[] = "MANIFEST";
inline constexpr uint32_t kMainBranchId = 1;

struct SpaceEntry {
  uint32_t id = 0;
  int dims = 0;
  Revision created_revision = 0;
  std::string name;
};

struct BranchEntry {
  uint32_t id = 0;
  uint32_t parent_id = 0;  // 0 for main
  // With a fork stamp: no version of the parent at or below this revision
  // has a stamp above fork_hlc. Without one (fork_hlc 0): the branch sees
  // its parent up to this revision.
  Revision fork_revision = 0;
  std::string name;
  // The stamp of the fork: the branch sees its parent's versions stamped at
  // or below fork_hlc, on every server (0: none, the revision rule).
  uint64_t fork_hlc = 0;
  uint32_t fork_origin = 0;
};

// A segment as the manifest records it.
using SegmentEntry = segment::SegmentProperties;

// The catalogue that the manifest describes.
struct CatalogState {
  std::map<uint64_t, SegmentEntry> segments;  // by file number
  Revision sealed_revision = 0;
  uint64_t next_file_number = 1;
  Revision history_horizon = 0;
  uint64_t hlc_floor = 0;
  std::map<uint32_t, SpaceEntry> spaces;
  std::map<uint32_t, BranchEntry> branches;
  std::map<uint32_t, Revision> branch_heads;  // by branch id
  uint32_t next_space_id = 1;
  uint32_t next_branch_id = kMainBranchId + 1;
  Revision revision_floor = 0;
};

// One edit, encoded as (type, payload).
struct Edit {
  EditType type;
  std::string payload;
};

Edit SpaceCreatedEdit(const SpaceEntry& space);
Edit SpaceDroppedEdit(uint32_t space_id);
Edit BranchCreatedEdit(const BranchEntry& branch);
Edit CountersEdit(const CatalogState& state);
Edit SegmentAddedEdit(const SegmentEntry& segment);
Edit SegmentRemovedEdit(uint64_t file_number);
Edit SealedEdit(Revision sealed_revision, uint64_t next_file_number);
Edit HistoryHorizonEdit(Revision horizon);
Edit HlcFloorEdit(uint64_t hlc);
Edit BranchDroppedEdit(uint32_t branch_id);
Edit BranchHeadEdit(uint32_t branch_id, Revision head);

// Applies one decoded edit to `state`; DataLoss if the payload is malformed.
absl::Status ApplyEdit(uint8_t type, std::string_view payload,
                       CatalogState* state);

}  // namespace infinitedb::manifest

#endif  // INFINITEDB_ENGINE_MANIFEST_MANIFEST_FORMAT_H_
