#include "engine/version/version_set.h"

#include "absl/strings/str_format.h"

namespace infinitedb::version {

VersionSet::VersionSet(std::unique_ptr<Catalog> catalog,
                       std::shared_ptr<mvcc::MemTable> active)
    : catalog_(std::move(catalog)) {
  auto state = std::make_shared<ReadState>();
  state->active = std::move(active);
  absl::MutexLock lock(&state_mu_);
  state_ = std::move(state);
}

std::shared_ptr<const ReadState> VersionSet::Pin() const {
  absl::MutexLock lock(&state_mu_);
  return state_;
}

void VersionSet::Install(absl::FunctionRef<void(ReadState&)> edit) {
  absl::MutexLock lock(&state_mu_);
  auto state = std::make_shared<ReadState>(*state_);
  edit(*state);
  state_ = std::move(state);
}

void VersionSet::PublishRevision(Revision revision) {
  visible_revision_.store(revision, std::memory_order_release);
  if (publish_waiters_.load() > 0) {
    absl::MutexLock lock(&publish_mu_);  // the unlock re-checks waiters
  }
}

Revision VersionSet::WaitForRevision(Revision after, int64_t timeout_ms) {
  auto beyond = [this, after] { return visible_revision() > after; };
  if (beyond()) return visible_revision();
  publish_waiters_.fetch_add(1);
  {
    absl::MutexLock lock(&publish_mu_);
    publish_mu_.AwaitWithTimeout(absl::Condition(&beyond),
                                 absl::Milliseconds(timeout_ms));
  }
  publish_waiters_.fetch_sub(1);
  return visible_revision();
}

absl::StatusOr<Snapshot> VersionSet::NewSnapshot(
    std::string_view branch, Revision as_of,
    std::string_view space_name) const {
  Revision current = visible_revision();
  // Pin the sources after reading the revision: they hold at least every
  // commit up to it (sealing moves data between sources atomically).
  std::shared_ptr<const ReadState> state = Pin();
  if (as_of > current) {
    return absl::OutOfRangeError(
        absl::StrFormat("as_of: revision %d is beyond the current revision %d",
                        as_of, current));
  }
  Revision revision = as_of == 0 ? current : as_of;
  Revision horizon = catalog_->history_horizon();
  if (revision < horizon) {
    return absl::OutOfRangeError(absl::StrFormat(
        "as_of: revision %d is older than retained history (oldest readable "
        "revision: %d)",
        revision, horizon));
  }
  absl::StatusOr<manifest::SpaceEntry> space = catalog_->FindSpace(space_name);
  if (!space.ok()) return space.status();
  absl::StatusOr<std::vector<mvcc::BranchLevel>> chain =
      catalog_->BranchChain(branch, revision);
  if (!chain.ok()) return chain.status();
  size_t memtable_entries = state->active->entry_count();
  for (const FrozenMemTable& frozen : state->frozen) {
    memtable_entries += frozen.table->entry_count();
  }
  return Snapshot{
      mvcc::SnapshotReader(SourcesFor(std::move(state), space->id),
                           std::move(*chain), space->id, space->dims),
      revision, space->id, space->dims, memtable_entries};
}

}  // namespace infinitedb::version
