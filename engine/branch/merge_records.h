// Where merges keep their state: three system spaces, written on the
// merge's target branch in the same commits as the merge's own writes (so a
// merge is all or nothing, and its state survives restarts). All axes are
// ordered by value (mvcc/point_key.h), so one target's conflicts are one key
// range in id order. Branch ids are this server's; none of it is streamed.
//
//   __merge.state      1 axis (target branch id): the merge in progress
//   __merge.conflicts  2 axes (target branch id, conflict id): its conflicts
//   __merge.bases      2 axes (lower branch id, higher branch id): where the
//                      two branches last agreed (the source as merged)
//
// Values (integers little-endian, strings a u32 length then the bytes):
//
//   state     version u8 (1) | source string | base branch id u32 |
//             base revision u64 | theirs revision u64 | next conflict id u64
//             [| base hlc cap u64 | base floor u64] (absent: no stamp cap)
//   conflict  version u8 (1) | kind u8 (ConflictKind) | is_edge u8 |
//             space string | dims u8 | point dims x u32 |
//             base, ours, theirs: each live u8 | value string |
//               revision u64 | hlc u64 | origin u32 |
//             resolution u8 (Resolution) | resolved value string (a
//             record's bytes, or an encoded edge)
//   base      version u8 (1) | base branch id u32 | base revision u64
#ifndef INFINITEDB_ENGINE_BRANCH_MERGE_RECORDS_H_
#define INFINITEDB_ENGINE_BRANCH_MERGE_RECORDS_H_

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/branch/side_join.h"
#include "engine/public/branches.h"
#include "engine/version/version_set.h"

namespace infinitedb::branch {

inline constexpr char kMergeStateSpace[] = "__merge.state";
inline constexpr char kMergeConflictsSpace[] = "__merge.conflicts";
inline constexpr char kMergeBasesSpace[] = "__merge.bases";

struct StoredMergeState {
  std::string source;
  uint32_t base_branch_id = 0;
  Revision base_revision = 0;
  Revision theirs_revision = 0;
  uint64_t next_conflict_id = 1;
  // The base's stamp cap and floor (mvcc::BranchLevel): a base on a fork
  // with a stamp.
  uint64_t base_hlc_cap = UINT64_MAX;
  Revision base_floor = 0;
};

struct StoredConflict {
  uint64_t id = 0;
  ConflictKind kind = ConflictKind::kBothModified;
  bool is_edge = false;
  std::string space;
  Point point;
  SideVersion base, ours, theirs;
  Resolution resolution = Resolution::kUnresolved;
  std::string resolved_value;
};

struct StoredBase {
  uint32_t branch_id = 0;
  Revision revision = 0;
};

std::string EncodeMergeState(const StoredMergeState& state);
absl::StatusOr<StoredMergeState> DecodeMergeState(std::string_view value);
std::string EncodeConflict(const StoredConflict& conflict);
absl::StatusOr<StoredConflict> DecodeConflict(std::string_view value);
std::string EncodeBase(const StoredBase& base);
absl::StatusOr<StoredBase> DecodeBase(std::string_view value);

// Reads of the merge spaces at the newest revision (nothing when a space
// does not exist yet).
class MergeRecordReader {
 public:
  explicit MergeRecordReader(const version::VersionSet* versions)
      : versions_(versions) {}

  absl::StatusOr<std::optional<StoredMergeState>> State(
      std::string_view target, uint32_t target_id) const;
  // In id order; `after` skips ids up to it; at most `limit` (0 = all).
  absl::StatusOr<std::vector<StoredConflict>> Conflicts(
      std::string_view target, uint32_t target_id, uint64_t after = 0,
      uint64_t limit = 0) const;
  absl::StatusOr<std::optional<StoredConflict>> Conflict(
      std::string_view target, uint32_t target_id, uint64_t id) const;
  // The base recorded for the pair by a merge into `on` (one of the two).
  absl::StatusOr<std::optional<StoredBase>> Base(std::string_view on,
                                                 uint32_t a, uint32_t b) const;

 private:
  absl::StatusOr<std::optional<std::string>> Value(std::string_view branch,
                                                   std::string_view space,
                                                   const Point& point) const;

  const version::VersionSet* const versions_;
};

// Mutations of the merge spaces, with storage for what they point to.
class MergeRecordWrites {
 public:
  void PutState(uint32_t target_id, const StoredMergeState& state);
  void DeleteState(uint32_t target_id);
  void PutConflict(uint32_t target_id, const StoredConflict& conflict);
  void DeleteConflict(uint32_t target_id, uint64_t id);
  void PutBase(uint32_t a, uint32_t b, const StoredBase& base);

  const std::vector<MutationView>& mutations() const { return mutations_; }

 private:
  void Add(Mutation::Kind kind, std::string_view space, Point point,
           std::string value);

  std::deque<Point> points_;
  std::deque<std::string> values_;
  std::vector<MutationView> mutations_;
};

}  // namespace infinitedb::branch

#endif  // INFINITEDB_ENGINE_BRANCH_MERGE_RECORDS_H_
