#include "engine/branch/side_join.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_format.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/point_key.h"

namespace infinitedb::branch {
namespace {

// Most key ranges one box is cut into for the candidate scans.
constexpr size_t kBoxKeyRangesMax = 64;

// Per branch of the chains, the revisions between which the sides may see
// different versions of it: (lowest floor, highest cap], with 0 as the floor
// of a side whose chain does not hold the branch. Branches every side reads
// alike are left out.
std::map<uint32_t, std::pair<Revision, Revision>> ChangeRanges(
    const std::vector<Side>& sides) {
  std::map<uint32_t, std::vector<const mvcc::BranchLevel*>> levels;
  for (size_t i = 0; i < sides.size(); ++i) {
    for (const mvcc::BranchLevel& level : sides[i].chain) {
      auto& of_branch = levels[level.branch_id];
      of_branch.resize(sides.size(), nullptr);
      of_branch[i] = &level;
    }
  }
  std::map<uint32_t, std::pair<Revision, Revision>> ranges;
  for (auto& [id, of_branch] : levels) {
    of_branch.resize(sides.size(), nullptr);
    Revision low = UINT64_MAX, high = 0;
    bool alike = true;
    for (const mvcc::BranchLevel* level : of_branch) {
      low = std::min(low, level == nullptr ? 0 : level->floor);
      high = std::max(high, level == nullptr ? 0 : level->cap);
      alike = alike && level != nullptr && level->cap == of_branch[0]->cap &&
              level->hlc_cap == of_branch[0]->hlc_cap;
    }
    if (!alike && low < high) ranges[id] = {low, high};
  }
  return ranges;
}

}  // namespace

absl::StatusOr<Side> ResolveSide(const version::VersionSet& versions,
                                 std::string_view branch, Revision as_of,
                                 std::string_view field) {
  const Revision current = versions.visible_revision();
  if (as_of > current) {
    return absl::OutOfRangeError(absl::StrFormat(
        "%s.as_of: revision %d is beyond the current revision %d", field, as_of,
        current));
  }
  return SideAt(versions, branch, as_of == 0 ? current : as_of, field);
}

absl::StatusOr<Side> SideAt(const version::VersionSet& versions,
                            std::string_view branch, Revision revision,
                            std::string_view field) {
  return SideFrom(versions, branch, {0, revision, UINT64_MAX, revision}, field);
}

absl::StatusOr<Side> SideFrom(const version::VersionSet& versions,
                              std::string_view branch,
                              const mvcc::BranchLevel& top,
                              std::string_view field) {
  const Revision horizon = versions.catalog().history_horizon();
  if (top.cap < horizon) {
    return absl::OutOfRangeError(absl::StrFormat(
        "%s.as_of: revision %d is older than retained history (oldest "
        "readable revision: %d)",
        field, top.cap, horizon));
  }
  absl::StatusOr<std::vector<mvcc::BranchLevel>> chain =
      versions.catalog().BranchChainFrom(branch, top);
  if (!chain.ok()) {
    return absl::NotFoundError(
        absl::StrFormat("%s.branch: no branch named '%s'", field, branch));
  }
  return Side{std::string(branch), top.cap, std::move(*chain)};
}

absl::StatusOr<SideJoin> SideJoin::Open(const version::VersionSet& versions,
                                        std::string_view space,
                                        std::vector<Side> sides,
                                        const Box* box) {
  std::shared_ptr<const ReadState> state = versions.Pin();
  absl::StatusOr<manifest::SpaceEntry> entry =
      versions.catalog().FindSpace(space);
  if (!entry.ok()) return entry.status();
  return SideJoin(std::move(state), entry->id, entry->dims, std::move(sides),
                  box ? std::optional<Box>(*box) : std::nullopt);
}

mvcc::SnapshotReader SideJoin::ReaderOf(const Side& side) const {
  return mvcc::SnapshotReader(SourcesFor(state_, space_id_), side.chain,
                              space_id_, dims_);
}

absl::StatusOr<std::vector<std::string>> SideJoin::CandidateKeys(
    std::string_view resume_after) const {
  std::vector<hilbert::KeyRange> ranges =
      box_ ? mvcc::KeyRangesCovering(space_id_, *box_, kBoxKeyRangesMax)
           : std::vector<hilbert::KeyRange>{{std::string(4 * dims_, '\0'),
                                             std::string(4 * dims_, '\xff')}};
  if (!resume_after.empty()) mvcc::DropKeysThrough(resume_after, &ranges);
  std::vector<std::string> keys;
  if (ranges.empty()) return keys;
  const Box* box = box_ ? &*box_ : nullptr;
  mvcc::SnapshotReader reader(SourcesFor(state_, space_id_), {}, space_id_,
                              dims_);
  for (const auto& [branch_id, range] : ChangeRanges(sides_)) {
    absl::Status status =
        reader.ScanChanges(branch_id, range.first, range.second, ranges, box,
                           [&](const mvcc::VersionView& v) {
                             keys.emplace_back(mvcc::KeyHilbert(v.key));
                             return true;
                           });
    if (!status.ok()) return status;
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

absl::StatusOr<std::vector<JoinedAddress>> SideJoin::Read(
    std::span<const std::string> keys) const {
  std::vector<JoinedAddress> joined(keys.size());
  std::vector<hilbert::KeyRange> ranges;
  ranges.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    joined[i].key = keys[i];
    joined[i].sides.resize(sides_.size());
    ranges.push_back({keys[i], keys[i]});
  }
  for (size_t s = 0; s < sides_.size(); ++s) {
    size_t at = 0;  // the scan visits the keys in order
    absl::Status status = ReaderOf(sides_[s]).Scan(
        ranges, nullptr, /*include_tombstones=*/true,
        [&](const mvcc::VersionView& version) {
          std::string_view key = mvcc::KeyHilbert(version.key);
          while (at < keys.size() && keys[at] < key) ++at;
          if (at == keys.size()) return false;
          JoinedAddress& address = joined[at];
          if (address.point.empty()) address.point = version.point();
          SideVersion& side = address.sides[s];
          side.live = !version.deleted;
          if (side.live) side.value = std::string(version.value);
          side.stamp = version.stamp;
          return true;
        });
    if (!status.ok()) return status;
  }
  return joined;
}

}  // namespace infinitedb::branch
