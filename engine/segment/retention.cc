#include "engine/segment/retention.h"

namespace infinitedb::segment {

std::vector<bool> RetentionFilter::Decide(
    uint32_t branch_id, const std::vector<Revision>& revisions,
    const std::vector<bool>& deleted, const std::vector<uint64_t>& hlcs) const {
  if (!policy_.live_branches.empty() &&
      !policy_.live_branches.contains(branch_id)) {
    return std::vector<bool>(revisions.size(), false);
  }
  std::vector<bool> keep(revisions.size(), true);
  Revision horizon = policy_.horizon;
  if (horizon == 0) return keep;
  // Read points below the horizon: the horizon itself and the pins.
  std::vector<Revision> read_points = {horizon};
  auto pins = policy_.pins.find(branch_id);
  if (pins != policy_.pins.end()) {
    for (Revision pin : pins->second) {
      if (pin < horizon) read_points.push_back(pin);
    }
  }
  for (size_t i = 0; i < revisions.size(); ++i) {
    if (revisions[i] > horizon) continue;
    // Kept if it is the newest version at or below some read point: no
    // newer version (i - 1) is also at or below that point.
    bool needed = false;
    for (Revision point : read_points) {
      bool visible_at_point = revisions[i] <= point;
      bool shadowed = i > 0 && revisions[i - 1] <= point;
      needed = needed || (visible_at_point && !shadowed);
    }
    keep[i] = needed;
  }
  KeepStampPins(branch_id, revisions, hlcs, &keep);
  // Trailing tombstones on a root branch hide nothing from reads: drop them,
  // except the address's newest version. That one stays so that
  // last-writer-wins still sees the delete when an older replicated write
  // arrives late.
  if (policy_.root_branches.contains(branch_id)) {
    for (size_t i = revisions.size(); i-- > 1;) {
      if (!keep[i]) continue;
      if (revisions[i] > horizon || !deleted[i]) break;
      keep[i] = false;
    }
  }
  return keep;
}

void RetentionFilter::KeepStampPins(uint32_t branch_id,
                                    const std::vector<Revision>& revisions,
                                    const std::vector<uint64_t>& hlcs,
                                    std::vector<bool>* keep) const {
  auto pins = policy_.hlc_pins.find(branch_id);
  if (pins == policy_.hlc_pins.end()) return;
  for (uint64_t pin : pins->second) {
    for (size_t i = 0; i < revisions.size(); ++i) {
      if (revisions[i] > policy_.horizon || hlcs[i] > pin) continue;
      (*keep)[i] = true;
      break;
    }
  }
}

}  // namespace infinitedb::segment
