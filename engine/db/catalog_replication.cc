#include "engine/db/catalog_replication.h"

#include <tuple>
#include <vector>

#include "absl/strings/str_format.h"

namespace infinitedb {

using replication::CatalogEvent;
using replication::CatalogEventKind;

namespace {

bool ForkBefore(uint64_t hlc, uint32_t origin, uint64_t other_hlc,
                uint32_t other_origin) {
  return std::tie(hlc, origin) < std::tie(other_hlc, other_origin);
}

}  // namespace

absl::Status CatalogReplication::Open() {
  absl::StatusOr<SpaceInfo> space = store_->EnsureSystemSpace(
      replication::kCatalogSpace, replication::kCatalogDims, 0);
  if (!space.ok()) return space.status();
  absl::StatusOr<std::unique_ptr<graph::SpaceSnapshot>> snapshot =
      store_->OpenSnapshot({std::string(kMainBranch), 0},
                           replication::kCatalogSpace);
  if (!snapshot.ok()) return snapshot.status();
  Box all{Point(replication::kCatalogDims, 0),
          Point(replication::kCatalogDims, UINT32_MAX)};
  absl::Status corrupt;
  absl::Status status = (*snapshot)->Scan(all, [&](const RecordView& record) {
    absl::StatusOr<CatalogEvent> event =
        replication::DecodeCatalogEvent(record.value, "__catalog record");
    if (!event.ok()) {
      corrupt = absl::DataLossError(event.status().message());
      return false;
    }
    NameKey key{event->about_space(), event->name};
    Note(key, {replication::StampedEvent(std::move(*event), record.stamp.hlc,
                                         record.stamp.origin),
               record.stamp.hlc, record.stamp.origin, record.stamp.revision});
    return true;
  });
  if (!status.ok()) return status;
  if (!corrupt.ok()) return corrupt;
  absl::MutexLock lock(&apply_mu_);
  return Reconcile();
}

absl::Status CatalogReplication::Reconcile() {
  Catalog& catalog = versions_->catalog();
  for (const BranchInfo& branch : catalog.ListBranches()) {
    absl::StatusOr<manifest::BranchEntry> entry =
        catalog.FindBranch(branch.name);
    if (!entry.ok() || entry->fork_hlc == 0) continue;
    std::optional<Known> known = Find({false, branch.name});
    // By the drop record's own stamp, as ReceiveBranchDrop judges.
    const bool dropped =
        known && known->event.kind == CatalogEventKind::kBranchDropped &&
        !ForkBefore(known->hlc, known->origin, entry->fork_hlc,
                    entry->fork_origin);
    if (!dropped) continue;
    absl::Status status = effects_.drop_branch(branch.name);
    if (!status.ok() && !absl::IsNotFound(status)) {
      options_->env.logger->warn("branch '{}' stays, though dropped: {}",
                                 branch.name, status.ToString());
    }
  }
  // A creation recorded whose branch was not made (cut short after its
  // record): make it now, as a server that receives it would.
  std::vector<CatalogEvent> creations;
  {
    absl::MutexLock lock(&known_mu_);
    for (const auto& [key, known] : known_) {
      if (known.event.kind == CatalogEventKind::kBranchCreated &&
          !catalog.FindBranchId(known.event.name).ok()) {
        creations.push_back(known.event);
      }
    }
  }
  for (const CatalogEvent& creation : creations) {
    if (absl::Status s = ReceiveCreation(creation); !s.ok()) return s;
  }
  for (const SpaceInfo& space : catalog.ListSpaces()) {
    // Only drops made here: one received is done before its batch commits
    // (and a space the same batch recreates is younger than the record).
    std::optional<Known> known = Find({true, space.name});
    if (!known || known->revision == 0 || known->origin != options_->node_id ||
        space.created_revision >= known->revision) {
      continue;
    }
    absl::Status status = effects_.drop_space(space.name);
    if (!status.ok() && !absl::IsNotFound(status)) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<BranchInfo> CatalogReplication::CreateBranch(
    std::string_view name, std::string_view parent) {
  absl::MutexLock lock(&apply_mu_);
  Catalog& catalog = versions_->catalog();
  if (absl::Status s = catalog.CheckNewBranch(name, parent); !s.ok()) return s;
  // The record comes first: its stamp is the fork, drawn after every commit
  // before it, all of which are visible once it is. So the branch sees its
  // parent as of the record's revision, from the start and for good.
  absl::StatusOr<CommitStamp> stamp =
      Record({CatalogEventKind::kBranchCreated, std::string(name),
              std::string(parent), 0, 0});
  if (!stamp.ok()) return stamp.status();
  absl::StatusOr<BranchInfo> created = catalog.CreateBranch(
      name, parent, stamp->revision, stamp->hlc, stamp->origin);
  if (created.ok()) return created;
  if (absl::IsAlreadyExists(created.status())) {
    // Made meanwhile by a replicated write to it (from main, for now): it
    // takes this fork, as a server that receives the record would do.
    // A retraction here would drop the other server's branch everywhere.
    absl::Status moved = catalog.MoveFork(name, parent, stamp->revision,
                                          stamp->hlc, stamp->origin);
    if (!moved.ok()) return moved;
    effects_.fork_moved();
    for (BranchInfo& branch : catalog.ListBranches()) {
      if (branch.name == name) return branch;
    }
    return created.status();
  }
  // Recorded but not made: retract it, so that no server makes it (if
  // that fails too, the next Open makes it here).
  absl::StatusOr<CommitStamp> retracted =
      Record({CatalogEventKind::kBranchDropped, std::string(name), "",
              stamp->hlc, stamp->origin});
  if (!retracted.ok()) {
    options_->env.logger->error("branch '{}' recorded but not made: {}", name,
                                retracted.status().ToString());
  }
  return created.status();
}

absl::Status CatalogReplication::BranchDropping(std::string_view name) {
  absl::MutexLock lock(&apply_mu_);
  absl::StatusOr<manifest::BranchEntry> entry =
      versions_->catalog().FindBranch(name);
  if (!entry.ok()) return entry.status();
  for (const BranchInfo& branch : versions_->catalog().ListBranches()) {
    if (branch.parent == name) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "branch: '%s' has a child branch '%s'; drop that first", name,
          branch.name));
    }
  }
  return Record({CatalogEventKind::kBranchDropped, std::string(name), "",
                 entry->fork_hlc, entry->fork_origin})
      .status();
}

absl::Status CatalogReplication::SpaceDropping(std::string_view name) {
  absl::MutexLock lock(&apply_mu_);
  if (absl::Status s = versions_->catalog().FindSpace(name).status(); !s.ok()) {
    return s;
  }
  return Record({CatalogEventKind::kSpaceDropped, std::string(name), "", 0, 0})
      .status();
}

absl::StatusOr<CommitStamp> CatalogReplication::Record(
    const CatalogEvent& event) {
  const Point point =
      replication::CatalogEventPoint(event.about_space(), event.name);
  const std::string value = replication::EncodeCatalogEvent(event);
  MutationView put{Mutation::Kind::kPut, replication::kCatalogSpace, &point,
                   value};
  absl::StatusOr<CommitStamp> stamp =
      store_->Commit(kMainBranch, std::span(&put, 1), "catalog");
  if (!stamp.ok()) return stamp.status();
  Note({event.about_space(), event.name},
       {replication::StampedEvent(event, stamp->hlc, stamp->origin), stamp->hlc,
        stamp->origin, stamp->revision});
  return stamp;
}

std::optional<CatalogReplication::Known> CatalogReplication::Find(
    const NameKey& key) const {
  absl::MutexLock lock(&known_mu_);
  auto it = known_.find(key);
  if (it == known_.end()) return std::nullopt;
  return it->second;
}

void CatalogReplication::Note(const NameKey& key, Known known) {
  absl::MutexLock lock(&known_mu_);
  auto [it, inserted] = known_.try_emplace(key, known);
  if (!inserted &&
      ForkBefore(it->second.hlc, it->second.origin, known.hlc, known.origin)) {
    it->second = std::move(known);
  }
}

}  // namespace infinitedb
