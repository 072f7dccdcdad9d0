// CatalogReplication's side of events that arrive from other servers.
#include <tuple>

#include "engine/db/catalog_replication.h"

namespace infinitedb {

using replication::CatalogEvent;
using replication::CatalogEventKind;

absl::Status CatalogReplication::Receive(const CatalogEvent& event,
                                         uint64_t hlc, uint32_t origin) {
  absl::MutexLock lock(&apply_mu_);
  const NameKey key{event.about_space(), event.name};
  std::optional<Known> known = Find(key);
  if (known && std::tie(known->hlc, known->origin) >= std::tie(hlc, origin)) {
    return absl::OkStatus();  // an older event of the name
  }
  absl::Status status;
  switch (event.kind) {
    case CatalogEventKind::kBranchCreated:
      status = ReceiveCreation(event);
      break;
    case CatalogEventKind::kBranchDropped:
      status = ReceiveBranchDrop(event, hlc, origin);
      break;
    case CatalogEventKind::kSpaceDropped:
      status = effects_.drop_space(event.name);
      if (absl::IsNotFound(status)) status = absl::OkStatus();
      break;
  }
  if (!status.ok()) return status;
  Note(key, {event, hlc, origin, 0});
  return absl::OkStatus();
}

absl::Status CatalogReplication::ReceiveCreation(const CatalogEvent& event) {
  if (event.name == kMainBranch || event.name == event.parent) {
    return absl::OkStatus();  // nothing a server would make
  }
  Catalog& catalog = versions_->catalog();
  if (!catalog.FindBranchId(event.parent).ok()) {
    // Its parent's creation has not arrived yet: fork the parent from main
    // for now, and move it when that creation comes.
    absl::StatusOr<BranchInfo> parent = catalog.CreateBranch(
        event.parent, kMainBranch, versions_->visible_revision());
    if (!parent.ok() && !absl::IsAlreadyExists(parent.status())) {
      return parent.status();
    }
  }
  const Revision floor = FloorFor(event.fork_hlc);
  absl::StatusOr<manifest::BranchEntry> entry = catalog.FindBranch(event.name);
  if (absl::IsNotFound(entry.status())) {
    return catalog
        .CreateBranch(event.name, event.parent, floor, event.fork_hlc,
                      event.fork_origin)
        .status();
  }
  if (!entry.ok()) return entry.status();
  if (entry->fork_hlc != 0 && std::tie(entry->fork_hlc, entry->fork_origin) >=
                                  std::tie(event.fork_hlc, event.fork_origin)) {
    return absl::OkStatus();
  }
  absl::Status status = catalog.MoveFork(event.name, event.parent, floor,
                                         event.fork_hlc, event.fork_origin);
  if (absl::IsFailedPrecondition(status)) {
    // Concurrent creations that would make the branch its own ancestor.
    options_->env.logger->warn("branch '{}' keeps its fork: {}", event.name,
                               status.ToString());
    return absl::OkStatus();
  }
  if (status.ok()) effects_.fork_moved();
  return status;
}

absl::Status CatalogReplication::ReceiveBranchDrop(const CatalogEvent& event,
                                                   uint64_t hlc,
                                                   uint32_t origin) {
  absl::StatusOr<manifest::BranchEntry> entry =
      versions_->catalog().FindBranch(event.name);
  if (absl::IsNotFound(entry.status())) return absl::OkStatus();
  if (!entry.ok()) return entry.status();
  // The newest event of the name wins, by the records' own stamps: a
  // creation stamped after the drop stays (whatever fork the drop names).
  if (entry->fork_hlc != 0 &&
      std::tie(entry->fork_hlc, entry->fork_origin) > std::tie(hlc, origin)) {
    return absl::OkStatus();
  }
  absl::Status status = effects_.drop_branch(event.name);
  if (absl::IsFailedPrecondition(status)) {
    // Children or a merge here that the dropping server did not know of.
    options_->env.logger->warn(
        "branch '{}' dropped on another server stays: {}", event.name,
        status.ToString());
    return absl::OkStatus();
  }
  if (absl::IsNotFound(status)) return absl::OkStatus();
  return status;
}

Revision CatalogReplication::FloorFor(uint64_t fork_hlc) const {
  // The revision first, then the clock: every version at or below the
  // revision is stamped at or below the clock.
  const Revision visible = versions_->visible_revision();
  if (pipeline_->hlc().Last() <= fork_hlc) return visible;
  return std::min(visible, pipeline_->hlc_index().FloorFor(fork_hlc));
}

bool CatalogReplication::Dropped(const ChangeOp& op) const {
  absl::MutexLock lock(&known_mu_);
  auto branch = known_.find({false, op.branch});
  if (branch != known_.end() &&
      branch->second.event.kind == CatalogEventKind::kBranchDropped &&
      op.hlc <= branch->second.hlc) {
    return true;
  }
  auto space = known_.find({true, op.space});
  return space != known_.end() &&
         space->second.event.kind == CatalogEventKind::kSpaceDropped &&
         op.hlc <= space->second.hlc;
}

}  // namespace infinitedb
