#include "engine/manifest/manifest_format.h"

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"

namespace infinitedb::manifest {

Edit SpaceCreatedEdit(const SpaceEntry& space) {
  Edit edit{kSpaceCreated, {}};
  PutFixed32(&edit.payload, space.id);
  edit.payload.push_back(static_cast<char>(space.dims));
  PutFixed64(&edit.payload, space.created_revision);
  PutLengthPrefixed(&edit.payload, space.name);
  return edit;
}

Edit SpaceDroppedEdit(uint32_t space_id) {
  Edit edit{kSpaceDropped, {}};
  PutFixed32(&edit.payload, space_id);
  return edit;
}

Edit BranchCreatedEdit(const BranchEntry& branch) {
  Edit edit{kBranchCreated, {}};
  PutFixed32(&edit.payload, branch.id);
  PutFixed32(&edit.payload, branch.parent_id);
  PutFixed64(&edit.payload, branch.fork_revision);
  PutLengthPrefixed(&edit.payload, branch.name);
  if (branch.fork_hlc != 0) {
    PutFixed64(&edit.payload, branch.fork_hlc);
    PutFixed32(&edit.payload, branch.fork_origin);
  }
  return edit;
}

Edit CountersEdit(const CatalogState& state) {
  Edit edit{kCounters, {}};
  PutFixed32(&edit.payload, state.next_space_id);
  PutFixed32(&edit.payload, state.next_branch_id);
  PutFixed64(&edit.payload, state.revision_floor);
  return edit;
}

Edit BranchDroppedEdit(uint32_t branch_id) {
  Edit edit{kBranchDropped, {}};
  PutFixed32(&edit.payload, branch_id);
  return edit;
}

Edit BranchHeadEdit(uint32_t branch_id, Revision head) {
  Edit edit{kBranchHead, {}};
  PutFixed32(&edit.payload, branch_id);
  PutFixed64(&edit.payload, head);
  return edit;
}

Edit SegmentAddedEdit(const SegmentEntry& segment) {
  Edit edit{kSegmentAdded, {}};
  PutFixed64(&edit.payload, segment.file_number);
  PutFixed32(&edit.payload, segment.space_id);
  PutFixed64(&edit.payload, segment.size_bytes);
  PutFixed64(&edit.payload, segment.record_count);
  PutFixed32(&edit.payload, segment.block_count);
  PutFixed64(&edit.payload, segment.min_revision);
  PutFixed64(&edit.payload, segment.max_revision);
  return edit;
}

Edit SegmentRemovedEdit(uint64_t file_number) {
  Edit edit{kSegmentRemoved, {}};
  PutFixed64(&edit.payload, file_number);
  return edit;
}

Edit SealedEdit(Revision sealed_revision, uint64_t next_file_number) {
  Edit edit{kSealed, {}};
  PutFixed64(&edit.payload, sealed_revision);
  PutFixed64(&edit.payload, next_file_number);
  return edit;
}

Edit HistoryHorizonEdit(Revision horizon) {
  Edit edit{kHistoryHorizon, {}};
  PutFixed64(&edit.payload, horizon);
  return edit;
}

Edit HlcFloorEdit(uint64_t hlc) {
  Edit edit{kHlcFloor, {}};
  PutFixed64(&edit.payload, hlc);
  return edit;
}

namespace {

bool ReadSegmentEntry(ByteReader* reader, SegmentEntry* segment) {
  return reader->ReadFixed64(&segment->file_number) &&
         reader->ReadFixed32(&segment->space_id) &&
         reader->ReadFixed64(&segment->size_bytes) &&
         reader->ReadFixed64(&segment->record_count) &&
         reader->ReadFixed32(&segment->block_count) &&
         reader->ReadFixed64(&segment->min_revision) &&
         reader->ReadFixed64(&segment->max_revision);
}

}  // namespace

absl::Status ApplyEdit(uint8_t type, std::string_view payload,
                       CatalogState* state) {
  ByteReader reader(payload);
  bool ok = false;
  switch (type) {
    case kSpaceCreated: {
      SpaceEntry space;
      uint8_t dims = 0;
      std::string_view name;
      ok = reader.ReadFixed32(&space.id) && reader.ReadByte(&dims) &&
           reader.ReadFixed64(&space.created_revision) &&
           reader.ReadLengthPrefixed(&name) && dims >= kMinDims &&
           dims <= kMaxStoredDims;
      space.dims = dims;
      space.name = std::string(name);
      if (ok) state->spaces[space.id] = space;
      break;
    }
    case kSpaceDropped: {
      uint32_t id = 0;
      ok = reader.ReadFixed32(&id);
      if (ok) state->spaces.erase(id);
      break;
    }
    case kBranchCreated: {
      BranchEntry branch;
      std::string_view name;
      ok = reader.ReadFixed32(&branch.id) &&
           reader.ReadFixed32(&branch.parent_id) &&
           reader.ReadFixed64(&branch.fork_revision) &&
           reader.ReadLengthPrefixed(&name) &&
           (reader.empty() || (reader.ReadFixed64(&branch.fork_hlc) &&
                               reader.ReadFixed32(&branch.fork_origin)));
      branch.name = std::string(name);
      if (ok) state->branches[branch.id] = branch;
      break;
    }
    case kCounters:
      ok = reader.ReadFixed32(&state->next_space_id) &&
           reader.ReadFixed32(&state->next_branch_id) &&
           reader.ReadFixed64(&state->revision_floor);
      break;
    case kSegmentAdded: {
      SegmentEntry segment;
      ok = ReadSegmentEntry(&reader, &segment);
      if (ok) state->segments[segment.file_number] = segment;
      break;
    }
    case kSegmentRemoved: {
      uint64_t file_number = 0;
      ok = reader.ReadFixed64(&file_number);
      if (ok) state->segments.erase(file_number);
      break;
    }
    case kSealed:
      ok = reader.ReadFixed64(&state->sealed_revision) &&
           reader.ReadFixed64(&state->next_file_number);
      break;
    case kHistoryHorizon:
      ok = reader.ReadFixed64(&state->history_horizon);
      break;
    case kHlcFloor:
      ok = reader.ReadFixed64(&state->hlc_floor);
      break;
    case kBranchDropped: {
      uint32_t id = 0;
      ok = reader.ReadFixed32(&id) && id != kMainBranchId;
      if (ok) {
        state->branches.erase(id);
        state->branch_heads.erase(id);
      }
      break;
    }
    case kBranchHead: {
      uint32_t id = 0;
      Revision head = 0;
      ok = reader.ReadFixed32(&id) && reader.ReadFixed64(&head);
      if (ok && state->branches.contains(id)) state->branch_heads[id] = head;
      break;
    }
    default:
      return absl::DataLossError(
          absl::StrFormat("unknown manifest edit type %d", type));
  }
  if (!ok || !reader.empty()) {
    return absl::DataLossError(
        absl::StrFormat("malformed manifest edit of type %d", type));
  }
  return absl::OkStatus();
}

}  // namespace infinitedb::manifest
