#include "engine/version/catalog.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/mvcc/point_key.h"
#include "engine/public/changes.h"

namespace infinitedb {

using manifest::BranchEntry;
using manifest::CatalogState;
using manifest::SpaceEntry;

namespace {

const SpaceEntry* FindSpaceIn(const CatalogState& state,
                              std::string_view name) {
  for (const auto& [id, space] : state.spaces) {
    if (space.name == name) return &space;
  }
  return nullptr;
}

const BranchEntry* FindBranchIn(const CatalogState& state,
                                std::string_view name) {
  for (const auto& [id, branch] : state.branches) {
    if (branch.name == name) return &branch;
  }
  return nullptr;
}

absl::Status NoSuchSpace(std::string_view name) {
  return absl::NotFoundError(
      absl::StrFormat("space: no space named '%s'", name));
}

absl::Status NoSuchBranch(std::string_view name) {
  return absl::NotFoundError(
      absl::StrFormat("branch: no branch named '%s'", name));
}

}  // namespace

Catalog::Catalog(std::unique_ptr<manifest::Manifest> manifest,
                 size_t max_name_bytes)
    : max_name_bytes_(max_name_bytes),
      next_file_number_(manifest->state().next_file_number) {
  absl::MutexLock edit_lock(&edit_mu_);
  manifest_ = std::move(manifest);
  absl::MutexLock lock(&state_mu_);
  state_ = std::make_shared<const CatalogState>(manifest_->state());
  absl::MutexLock heads_lock(&heads_mu_);
  heads_ = state_->branch_heads;
}

Catalog::StatePtr Catalog::Published() const {
  absl::ReaderMutexLock lock(&state_mu_);
  return state_;
}

absl::Status Catalog::Apply(const std::vector<manifest::Edit>& edits) {
  absl::Status status = manifest_->Append(edits);
  if (!status.ok()) return status;
  auto published = std::make_shared<const CatalogState>(manifest_->state());
  absl::MutexLock lock(&state_mu_);
  state_ = std::move(published);
  return absl::OkStatus();
}

absl::Status Catalog::CheckName(std::string_view field, std::string_view name,
                                size_t extra_bytes) const {
  bool ok = !name.empty() && name.size() <= max_name_bytes_ + extra_bytes;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: name '%s' must be 1 to %d characters of A-Z a-z 0-9 _ - .", field,
      name.substr(0, 200), max_name_bytes_ + extra_bytes));
}

absl::StatusOr<SpaceInfo> Catalog::CreateSpace(std::string_view name, int dims,
                                               Revision current, bool system,
                                               int ordered_axes) {
  // System spaces' names prefix a user space's name (graph indexes).
  absl::Status name_ok =
      CheckName("space", name, system ? kSystemNameBytes : 0);
  if (!name_ok.ok()) return name_ok;
  if (!system && name.starts_with(kSystemSpacePrefix)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "space: names starting with '%s' are reserved", kSystemSpacePrefix));
  }
  const int max_dims = system ? kMaxStoredDims : kMaxDims;
  if (dims < kMinDims || dims > max_dims) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "dims: must be between %d and %d, got %d", kMinDims, max_dims, dims));
  }
  if (ordered_axes < 0 || ordered_axes > dims || (!system && ordered_axes)) {
    return absl::InvalidArgumentError("ordered_axes: out of range");
  }
  absl::MutexLock lock(&edit_mu_);
  if (FindSpaceIn(manifest_->state(), name) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrFormat("space: '%s' already exists", name));
  }
  CatalogState counters = manifest_->state();
  if (counters.next_space_id > mvcc::kSpaceSerialMask) {
    return absl::ResourceExhaustedError("space: no space ids left");
  }
  SpaceEntry space{mvcc::SpaceIdWith(counters.next_space_id, ordered_axes),
                   dims, current, std::string(name)};
  counters.next_space_id++;
  counters.revision_floor = std::max(counters.revision_floor, current);
  absl::Status status = Apply(
      {manifest::SpaceCreatedEdit(space), manifest::CountersEdit(counters)});
  if (!status.ok()) return status;
  return SpaceInfo{space.name, space.dims, space.created_revision};
}

absl::StatusOr<std::vector<uint64_t>> Catalog::DropSpace(
    std::string_view name) {
  absl::MutexLock lock(&edit_mu_);
  const SpaceEntry* space = FindSpaceIn(manifest_->state(), name);
  if (space == nullptr) return NoSuchSpace(name);
  std::vector<manifest::Edit> edits = {manifest::SpaceDroppedEdit(space->id)};
  std::vector<uint64_t> files;
  for (const auto& [number, segment] : manifest_->state().segments) {
    if (segment.space_id != space->id) continue;
    edits.push_back(manifest::SegmentRemovedEdit(number));
    files.push_back(number);
  }
  absl::Status status = Apply(edits);
  if (!status.ok()) return status;
  return files;
}

absl::StatusOr<SpaceEntry> Catalog::FindSpace(std::string_view name) const {
  // The hot lookups (every write and read) read the published state under
  // the reader lock rather than copying its pointer: no shared reference
  // count for concurrent writers to contend on.
  absl::ReaderMutexLock lock(&state_mu_);
  const SpaceEntry* space = FindSpaceIn(*state_, name);
  if (space == nullptr) return NoSuchSpace(name);
  return *space;
}

std::vector<SpaceInfo> Catalog::ListSpaces() const {
  StatePtr state = Published();
  std::vector<SpaceInfo> spaces;
  for (const auto& [id, space] : state->spaces) {
    if (space.name.starts_with(kSystemSpacePrefix)) continue;
    spaces.push_back({space.name, space.dims, space.created_revision});
  }
  std::sort(
      spaces.begin(), spaces.end(),
      [](const SpaceInfo& a, const SpaceInfo& b) { return a.name < b.name; });
  return spaces;
}

int Catalog::SpaceDims(uint32_t id) const {
  absl::ReaderMutexLock lock(&state_mu_);
  auto it = state_->spaces.find(id);
  return it == state_->spaces.end() ? 0 : it->second.dims;
}

std::string Catalog::SpaceLabel(uint32_t id) const {
  absl::ReaderMutexLock lock(&state_mu_);
  auto it = state_->spaces.find(id);
  if (it == state_->spaces.end()) return absl::StrFormat("#%d (dropped)", id);
  return "'" + it->second.name + "'";
}

absl::StatusOr<const BranchEntry*> Catalog::NewBranchParent(
    const CatalogState& state, std::string_view name,
    std::string_view parent) const {
  if (absl::Status s = CheckName("branch", name); !s.ok()) return s;
  const BranchEntry* parent_entry = FindBranchIn(state, parent);
  if (parent_entry == nullptr) {
    return absl::NotFoundError(
        absl::StrFormat("parent: no branch named '%s'", parent));
  }
  if (FindBranchIn(state, name) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrFormat("branch: '%s' already exists", name));
  }
  return parent_entry;
}

absl::Status Catalog::CheckNewBranch(std::string_view name,
                                     std::string_view parent) const {
  return NewBranchParent(*Published(), name, parent).status();
}

absl::StatusOr<BranchInfo> Catalog::CreateBranch(std::string_view name,
                                                 std::string_view parent,
                                                 Revision fork,
                                                 uint64_t fork_hlc,
                                                 uint32_t fork_origin) {
  absl::MutexLock lock(&edit_mu_);
  absl::StatusOr<const BranchEntry*> parent_entry =
      NewBranchParent(manifest_->state(), name, parent);
  if (!parent_entry.ok()) return parent_entry.status();
  CatalogState counters = manifest_->state();
  BranchEntry branch{counters.next_branch_id,
                     (*parent_entry)->id,
                     fork,
                     std::string(name),
                     fork_hlc,
                     fork_origin};
  counters.next_branch_id++;
  counters.revision_floor = std::max(counters.revision_floor, fork);
  absl::Status status = Apply(
      {manifest::BranchCreatedEdit(branch), manifest::CountersEdit(counters)});
  if (!status.ok()) return status;
  return BranchInfo{branch.name, std::string(parent), fork, 0, fork_hlc};
}

absl::Status Catalog::MoveFork(std::string_view name, std::string_view parent,
                               Revision fork, uint64_t fork_hlc,
                               uint32_t fork_origin) {
  absl::MutexLock lock(&edit_mu_);
  const CatalogState& state = manifest_->state();
  const BranchEntry* branch = FindBranchIn(state, name);
  if (branch == nullptr) return NoSuchBranch(name);
  const BranchEntry* parent_entry = FindBranchIn(state, parent);
  if (parent_entry == nullptr) {
    return absl::NotFoundError(
        absl::StrFormat("parent: no branch named '%s'", parent));
  }
  // The new parent must not descend from the branch: that would be a cycle.
  for (const BranchEntry* up = parent_entry; up != nullptr;) {
    if (up->id == branch->id) {
      return absl::FailedPreconditionError(
          absl::StrFormat("parent: '%s' descends from '%s'", parent, name));
    }
    auto next = state.branches.find(up->parent_id);
    up = next == state.branches.end() ? nullptr : &next->second;
  }
  BranchEntry moved = *branch;
  moved.parent_id = parent_entry->id;
  moved.fork_revision = fork;
  moved.fork_hlc = fork_hlc;
  moved.fork_origin = fork_origin;
  return Apply({manifest::BranchCreatedEdit(moved)});
}

absl::StatusOr<BranchEntry> Catalog::FindBranch(std::string_view name) const {
  absl::ReaderMutexLock lock(&state_mu_);
  const BranchEntry* branch = FindBranchIn(*state_, name);
  if (branch == nullptr) return NoSuchBranch(name);
  return *branch;
}

absl::StatusOr<uint32_t> Catalog::DropBranch(std::string_view name) {
  absl::MutexLock lock(&edit_mu_);
  const CatalogState& state = manifest_->state();
  const BranchEntry* branch = FindBranchIn(state, name);
  if (branch == nullptr) return NoSuchBranch(name);
  if (branch->id == manifest::kMainBranchId) {
    return absl::FailedPreconditionError("branch: main cannot be dropped");
  }
  for (const auto& [id, child] : state.branches) {
    if (child.parent_id == branch->id) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "branch: '%s' has a child branch '%s'; drop that first", name,
          child.name));
    }
  }
  const uint32_t id = branch->id;
  absl::Status status = Apply({manifest::BranchDroppedEdit(id)});
  if (!status.ok()) return status;
  absl::MutexLock heads_lock(&heads_mu_);
  heads_.erase(id);
  return id;
}

absl::StatusOr<std::string> Catalog::BranchName(uint32_t id) const {
  StatePtr state = Published();
  auto it = state->branches.find(id);
  if (it == state->branches.end()) {
    return absl::NotFoundError(absl::StrFormat("branch: no branch %d", id));
  }
  return it->second.name;
}

Revision Catalog::HeadRevision(std::string_view name) const {
  absl::StatusOr<uint32_t> id = FindBranchId(name);
  if (!id.ok()) return 0;
  absl::MutexLock lock(&heads_mu_);
  auto it = heads_.find(*id);
  return it == heads_.end() ? 0 : it->second;
}

void Catalog::NoteHeads(std::span<const std::pair<uint32_t, Revision>> heads) {
  absl::MutexLock lock(&heads_mu_);
  for (const auto& [id, revision] : heads) {
    Revision& head = heads_[id];
    head = std::max(head, revision);
  }
}

absl::StatusOr<uint32_t> Catalog::FindBranchId(std::string_view name) const {
  absl::ReaderMutexLock lock(&state_mu_);
  const BranchEntry* branch = FindBranchIn(*state_, name);
  if (branch == nullptr) return NoSuchBranch(name);
  return branch->id;
}

bool Catalog::HasBranchId(uint32_t id) const {
  return Published()->branches.contains(id);
}

std::vector<BranchInfo> Catalog::ListBranches() const {
  StatePtr state = Published();
  const auto& branches = state->branches;
  std::vector<BranchInfo> result;
  absl::MutexLock lock(&heads_mu_);
  for (const auto& [id, branch] : branches) {
    auto parent = branches.find(branch.parent_id);
    auto head = heads_.find(id);
    result.push_back(
        {branch.name, parent == branches.end() ? "" : parent->second.name,
         branch.fork_revision, head == heads_.end() ? 0 : head->second,
         branch.fork_hlc});
  }
  std::sort(
      result.begin(), result.end(),
      [](const BranchInfo& a, const BranchInfo& b) { return a.name < b.name; });
  return result;
}

absl::StatusOr<std::vector<mvcc::BranchLevel>> Catalog::BranchChain(
    std::string_view name, Revision revision) const {
  return BranchChainFrom(name, {0, revision, UINT64_MAX, revision});
}

absl::StatusOr<std::vector<mvcc::BranchLevel>> Catalog::BranchChainFrom(
    std::string_view name, const mvcc::BranchLevel& top) const {
  absl::ReaderMutexLock lock(&state_mu_);
  const BranchEntry* branch = FindBranchIn(*state_, name);
  if (branch == nullptr) return NoSuchBranch(name);
  const auto& branches = state_->branches;
  std::vector<mvcc::BranchLevel> chain;
  mvcc::BranchLevel level = top;
  while (true) {
    level.branch_id = branch->id;
    chain.push_back(level);
    auto parent = branches.find(branch->parent_id);
    // A chain longer than the branches is a cycle (MoveFork refuses them;
    // this keeps a damaged catalogue from hanging a read).
    if (parent == branches.end() || chain.size() > branches.size()) break;
    if (branch->fork_hlc == 0) {
      level.cap = std::min(level.cap, branch->fork_revision);
    } else {
      level.hlc_cap = std::min(level.hlc_cap, branch->fork_hlc);
    }
    level.floor = std::min({level.floor, level.cap, branch->fork_revision});
    branch = &parent->second;
  }
  return chain;
}

CatalogState Catalog::State() const { return *Published(); }

uint64_t Catalog::AllocateFileNumber() { return next_file_number_++; }

absl::StatusOr<std::vector<uint64_t>> Catalog::RecordSegments(
    const std::vector<manifest::SegmentEntry>& added,
    const std::vector<uint64_t>& removed, Revision sealed_revision,
    Revision horizon, uint64_t hlc_floor) {
  absl::MutexLock lock(&edit_mu_);
  const CatalogState& state = manifest_->state();
  std::vector<manifest::Edit> edits;
  std::vector<uint64_t> skipped;
  for (const manifest::SegmentEntry& segment : added) {
    // The space may have been dropped while its segment was being written.
    if (state.spaces.contains(segment.space_id)) {
      edits.push_back(manifest::SegmentAddedEdit(segment));
    } else {
      skipped.push_back(segment.file_number);
    }
  }
  for (uint64_t number : removed) {
    edits.push_back(manifest::SegmentRemovedEdit(number));
  }
  edits.push_back(manifest::SealedEdit(
      std::max(sealed_revision, state.sealed_revision), next_file_number_));
  if (horizon > state.history_horizon) {
    edits.push_back(manifest::HistoryHorizonEdit(horizon));
  }
  if (hlc_floor > state.hlc_floor) {
    edits.push_back(manifest::HlcFloorEdit(hlc_floor));
  }
  {
    absl::MutexLock heads_lock(&heads_mu_);
    for (const auto& [id, head] : heads_) {
      auto known = state.branch_heads.find(id);
      if (state.branches.contains(id) &&
          (known == state.branch_heads.end() || known->second < head)) {
        edits.push_back(manifest::BranchHeadEdit(id, head));
      }
    }
  }
  absl::Status status = Apply(edits);
  if (!status.ok()) return status;
  return skipped;
}

uint64_t Catalog::hlc_floor() const { return Published()->hlc_floor; }

Revision Catalog::history_horizon() const {
  absl::ReaderMutexLock lock(&state_mu_);
  return state_->history_horizon;
}

Revision Catalog::sealed_revision() const {
  return Published()->sealed_revision;
}

Revision Catalog::revision_floor() const { return Published()->revision_floor; }

}  // namespace infinitedb
