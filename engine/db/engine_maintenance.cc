// The maintenance half of EngineImpl: freezing full memtables, sealing them
// into segment files, size-tiered and on-demand compaction, and releasing
// WAL segments once sealed.
#include <algorithm>
#include <map>

#include "absl/strings/str_format.h"
#include "engine/db/engine_impl.h"
#include "engine/mvcc/internal_key.h"
#include "engine/segment/compaction.h"
#include "engine/segment/segment_writer.h"
#include "spdlog/spdlog.h"

namespace infinitedb {
namespace {

// After a failed seal or compaction, the background thread waits this long
// before trying again.
constexpr absl::Duration kBackgroundRetryDelay = absl::Seconds(1);

}  // namespace

void EngineImpl::FreezeActive() {
  if (active_->entry_count() == 0) return;
  auto fresh = std::make_shared<mvcc::MemTable>();
  {
    absl::MutexLock lock(&state_mu_);
    auto state = std::make_shared<ReadState>(*state_);
    state->frozen.push_back({active_, last_revision_});
    state->active = fresh;
    state_ = std::move(state);
  }
  active_ = std::move(fresh);
  absl::MutexLock lock(&background_mu_);
  background_wakeup_ = true;
}

void EngineImpl::BackgroundLoop() {
  while (true) {
    {
      absl::MutexLock lock(&background_mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(background_mu_) {
        return background_wakeup_ || background_stopping_;
      };
      background_mu_.Await(absl::Condition(&ready));
      if (background_stopping_) return;
      background_wakeup_ = false;
    }
    absl::Status status;
    {
      absl::MutexLock maintenance(&maintenance_mu_);
      while (status.ok() && !PinState()->frozen.empty()) {
        status = SealOldestFrozen();
      }
      if (status.ok()) status = CompactTiers();
    }
    if (status.ok()) status = ReleaseWal();
    if (!status.ok()) {
      spdlog::error("background sealing/compaction failed, retrying: {}",
                    status.ToString());
      absl::MutexLock lock(&background_mu_);
      background_mu_.AwaitWithTimeout(absl::Condition(&background_stopping_),
                                      kBackgroundRetryDelay);
      background_wakeup_ = true;
    }
  }
}

absl::Status EngineImpl::SealOldestFrozen() {
  const FrozenMemTable frozen = PinState()->frozen.front();
  manifest::CatalogState catalog = catalog_->State();
  // One pass over the memtable (ordered by branch, then space) feeds one
  // writer per space; each sees its keys in increasing order.
  std::map<uint32_t, std::unique_ptr<segment::SegmentWriter>> writers;
  std::unique_ptr<mvcc::VersionIterator> it = frozen.table->NewIterator();
  for (it->Seek(std::string()); it->Valid(); it->Next()) {
    const RecordView& version = it->version();
    uint32_t space_id = DecodeBigEndian32(version.key.data() + 4);
    auto space = catalog.spaces.find(space_id);
    if (space == catalog.spaces.end()) continue;  // dropped
    std::unique_ptr<segment::SegmentWriter>& writer = writers[space_id];
    if (writer == nullptr) {
      uint64_t number = catalog_->AllocateFileNumber();
      absl::StatusOr<std::unique_ptr<segment::SegmentWriter>> created =
          segment::SegmentWriter::Create(fs_, SegmentPath(number), number,
                                         space_id, space->second.dims,
                                         options_.segment_compression);
      if (!created.ok()) return created.status();
      writer = std::move(*created);
    }
    absl::Status status = writer->Add(version);
    if (!status.ok()) return status;
  }
  std::vector<manifest::SegmentEntry> added;
  for (auto& [space_id, writer] : writers) {
    absl::StatusOr<segment::SegmentProperties> properties = writer->Finish();
    if (!properties.ok()) return properties.status();
    added.push_back(*properties);
  }
  absl::Status status = fs_->SyncDirectory(segment_dir_);
  if (!status.ok()) return status;
  // Open the readers before the manifest names the files, so a failure here
  // leaves only orphans that the next open removes.
  std::map<uint64_t, std::shared_ptr<segment::SegmentReader>> readers;
  for (const manifest::SegmentEntry& entry : added) {
    absl::StatusOr<std::shared_ptr<segment::SegmentReader>> reader =
        segment::SegmentReader::Open(fs_, SegmentPath(entry.file_number),
                                     entry.file_number, entry.size_bytes,
                                     &block_cache_);
    if (!reader.ok()) return reader.status();
    readers[entry.file_number] = std::move(*reader);
  }
  absl::StatusOr<std::vector<uint64_t>> skipped =
      catalog_->RecordSegments(added, {}, frozen.max_revision, 0, hlc_.Last());
  if (!skipped.ok()) return skipped.status();
  for (uint64_t number : *skipped) readers.erase(number);
  {
    absl::MutexLock lock(&state_mu_);
    auto state = std::make_shared<ReadState>(*state_);
    state->frozen.erase(state->frozen.begin());
    for (auto& [number, reader] : readers) {
      state->segments[reader->space_id()].push_back(reader);
    }
    state_ = std::move(state);
  }
  DeleteSegmentFiles(*skipped);
  seals_++;
  spdlog::info("sealed revisions up to {} into {} segment(s)",
               frozen.max_revision, readers.size());
  return absl::OkStatus();
}

segment::RetentionPolicy EngineImpl::RetentionFor(bool all_segments) const {
  segment::RetentionPolicy policy;
  Revision current = visible_revision_.load();
  if (options_.history_retention_revisions == 0 ||
      current <= options_.history_retention_revisions) {
    return policy;  // keep all history
  }
  policy.horizon = current - options_.history_retention_revisions;
  for (const auto& [id, branch] : catalog_->State().branches) {
    if (branch.parent_id == 0) {
      // Dropping a tombstone is safe only when every older version of the
      // address is in the merge.
      if (all_segments) policy.root_branches.insert(id);
    } else {
      policy.pins[branch.parent_id].push_back(branch.fork_revision);
    }
  }
  return policy;
}

absl::Status EngineImpl::CompactSegments(
    uint32_t space_id,
    const std::vector<std::shared_ptr<segment::SegmentReader>>& inputs,
    bool all_segments) {
  int dims = catalog_->SpaceDims(space_id);
  if (dims == 0) return absl::OkStatus();  // dropped meanwhile
  segment::RetentionPolicy policy = RetentionFor(all_segments);
  uint64_t number = catalog_->AllocateFileNumber();
  absl::StatusOr<std::optional<segment::SegmentProperties>> merged =
      segment::MergeSegments(inputs, policy, fs_, SegmentPath(number), number,
                             space_id, dims, options_.segment_compression);
  if (!merged.ok()) return merged.status();
  std::vector<manifest::SegmentEntry> added;
  std::shared_ptr<segment::SegmentReader> output;
  if (merged->has_value()) {
    absl::Status status = fs_->SyncDirectory(segment_dir_);
    if (!status.ok()) return status;
    absl::StatusOr<std::shared_ptr<segment::SegmentReader>> reader =
        segment::SegmentReader::Open(fs_, SegmentPath(number), number,
                                     (*merged)->size_bytes, &block_cache_);
    if (!reader.ok()) return reader.status();
    output = std::move(*reader);
    added.push_back(**merged);
  }
  std::vector<uint64_t> removed;
  for (const auto& input : inputs) removed.push_back(input->file_number());
  absl::StatusOr<std::vector<uint64_t>> skipped =
      catalog_->RecordSegments(added, removed, 0, policy.horizon);
  if (!skipped.ok()) return skipped.status();
  if (!skipped->empty()) output = nullptr;
  {
    absl::MutexLock lock(&state_mu_);
    auto state = std::make_shared<ReadState>(*state_);
    auto& segments = state->segments[space_id];
    std::erase_if(segments, [&](const auto& segment) {
      return std::find(removed.begin(), removed.end(),
                       segment->file_number()) != removed.end();
    });
    if (output != nullptr) segments.insert(segments.begin(), output);
    state_ = std::move(state);
  }
  DeleteSegmentFiles(removed);
  DeleteSegmentFiles(*skipped);
  compactions_++;
  spdlog::info("compacted {} segment(s) of space {} into {} ({} records)",
               inputs.size(), space_id, output ? SegmentPath(number) : "none",
               merged->has_value() ? (*merged)->record_count : 0);
  return absl::OkStatus();
}

absl::Status EngineImpl::CompactTiers() {
  std::shared_ptr<const ReadState> state = PinState();
  for (const auto& [space_id, segments] : state->segments) {
    // Size-tiered: segments within a factor of 4 of each other share a tier.
    std::map<int, std::vector<std::shared_ptr<segment::SegmentReader>>> tiers;
    for (const auto& segment : segments) {
      int tier = 0;
      for (uint64_t size = segment->size_bytes(); size >= 4; size /= 4) ++tier;
      tiers[tier].push_back(segment);
    }
    for (const auto& [tier, members] : tiers) {
      if (members.size() < options_.compaction_trigger_segments) continue;
      absl::Status status =
          CompactSegments(space_id, members, members.size() == segments.size());
      if (!status.ok()) return status;
      return CompactTiers();  // the state changed; look again
    }
  }
  return absl::OkStatus();
}

absl::Status EngineImpl::ReleaseWal() {
  Revision upto = catalog_->sealed_revision();
  if (options_.wal_hold_revision) {
    Revision hold = options_.wal_hold_revision();
    if (hold == 0) return absl::OkStatus();
    upto = std::min(upto, hold - 1);
  }
  Revision subscribers_hold = subscriber_acks_->HoldRevision(CurrentRevision());
  if (subscribers_hold != 0) upto = std::min(upto, subscribers_hold - 1);
  absl::StatusOr<std::vector<uint64_t>> released =
      wal_segments_.ReleaseUpTo(upto);
  if (!released.ok()) return released.status();
  return absl::OkStatus();
}

void EngineImpl::DeleteSegmentFiles(const std::vector<uint64_t>& file_numbers) {
  for (uint64_t number : file_numbers) {
    block_cache_.EraseFile(number);
    absl::Status status = fs_->Remove(SegmentPath(number));
    if (!status.ok()) spdlog::warn("{}", status.ToString());
  }
}

absl::Status EngineImpl::Flush() {
  committer_->RunBetweenGroups([this] { FreezeActive(); });
  // Everything frozen is in finished WAL segments, which can all go once
  // sealed.
  absl::StatusOr<uint64_t> segment = committer_->RollSegment();
  if (!segment.ok()) return segment.status();
  wal_segments_.Record(*segment, 0);
  absl::Status status;
  {
    absl::MutexLock maintenance(&maintenance_mu_);
    while (status.ok() && !PinState()->frozen.empty()) {
      status = SealOldestFrozen();
    }
  }
  if (!status.ok()) return status;
  return ReleaseWal();
}

absl::Status EngineImpl::Compact(std::string_view space) {
  std::vector<uint32_t> space_ids;
  if (space.empty()) {
    for (const auto& [id, entry] : catalog_->State().spaces) {
      space_ids.push_back(id);
    }
  } else {
    absl::StatusOr<manifest::SpaceEntry> entry = catalog_->FindSpace(space);
    if (!entry.ok()) return entry.status();
    space_ids.push_back(entry->id);
  }
  absl::MutexLock maintenance(&maintenance_mu_);
  std::shared_ptr<const ReadState> state = PinState();
  for (uint32_t id : space_ids) {
    auto segments = state->segments.find(id);
    if (segments == state->segments.end() || segments->second.empty()) continue;
    // One segment is rewritten only when retention may drop something.
    if (segments->second.size() == 1 && RetentionFor(true).horizon == 0) {
      continue;
    }
    absl::Status status =
        CompactSegments(id, segments->second, /*all_segments=*/true);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace infinitedb
