#include "engine/db/maintenance.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/segment/compaction.h"
#include "engine/segment/segment_format.h"
#include "engine/segment/segment_writer.h"
#include "spdlog/logger.h"

namespace infinitedb {
namespace {

// After a failed seal or compaction, the background thread waits this long
// before trying again.
constexpr absl::Duration kBackgroundRetryDelay = absl::Seconds(1);

}  // namespace

Maintenance::Maintenance(const EngineOptions& options, Sources sources)
    : options_(options),
      sources_(std::move(sources)),
      fs_(options.env.file_system),
      segment_dir_(options.data_dir + "/segments") {}

Maintenance::~Maintenance() { StopBackground(); }

void Maintenance::StopBackground() {
  if (!background_.joinable()) return;
  {
    absl::MutexLock lock(&background_mu_);
    background_stopping_ = true;
  }
  background_.join();
}

std::string Maintenance::SegmentPath(uint64_t file_number) const {
  return segment_dir_ + "/" + segment::SegmentFileName(file_number);
}

absl::StatusOr<std::shared_ptr<segment::SegmentReader>> Maintenance::OpenReader(
    uint64_t file_number, uint64_t size_bytes) const {
  return segment::SegmentReader::Open(fs_, SegmentPath(file_number),
                                      file_number, size_bytes,
                                      sources_.block_cache);
}

absl::Status Maintenance::OpenSegments() {
  absl::Status status = fs_->CreateDirectories(segment_dir_);
  if (!status.ok()) return status;
  manifest::CatalogState catalog = sources_.versions->catalog().State();
  // Files of a seal or compaction that crashed before the manifest named
  // them are garbage.
  absl::StatusOr<std::vector<std::string>> names =
      fs_->ListDirectory(segment_dir_);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    uint64_t number = 0;
    if (segment::ParseSegmentFileName(name, &number) &&
        catalog.segments.contains(number)) {
      continue;
    }
    options_.env.logger->info("removing {}/{}: not in the manifest",
                              segment_dir_, name);
    status = fs_->Remove(segment_dir_ + "/" + name);
    if (!status.ok()) return status;
  }
  std::map<uint32_t, std::vector<std::shared_ptr<segment::SegmentReader>>>
      segments;
  for (const auto& [number, entry] : catalog.segments) {
    absl::StatusOr<std::shared_ptr<segment::SegmentReader>> reader =
        OpenReader(number, entry.size_bytes);
    if (!reader.ok()) return reader.status();
    segments[entry.space_id].push_back(std::move(*reader));
  }
  sources_.versions->Install(
      [&](ReadState& state) { state.segments = std::move(segments); });
  return absl::OkStatus();
}

void Maintenance::StartBackground() {
  background_ = std::thread([this] { BackgroundLoop(); });
}

void Maintenance::Wake() {
  absl::MutexLock lock(&background_mu_);
  background_wakeup_ = true;
}

void Maintenance::BackgroundLoop() {
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
      absl::MutexLock maintenance(&mu_);
      while (status.ok() && !sources_.versions->Pin()->frozen.empty()) {
        status = SealOldestFrozen();
      }
      if (status.ok()) status = CompactTiers();
    }
    if (status.ok()) status = ReleaseWal();
    if (!status.ok()) {
      options_.env.logger->error(
          "background sealing/compaction failed, retrying: {}",
          status.ToString());
      absl::MutexLock lock(&background_mu_);
      background_mu_.AwaitWithTimeout(absl::Condition(&background_stopping_),
                                      kBackgroundRetryDelay);
      background_wakeup_ = true;
    }
  }
}

absl::Status Maintenance::SealFrozen() {
  absl::Status status;
  {
    absl::MutexLock maintenance(&mu_);
    while (status.ok() && !sources_.versions->Pin()->frozen.empty()) {
      status = SealOldestFrozen();
    }
  }
  if (!status.ok()) return status;
  return ReleaseWal();
}

absl::StatusOr<std::vector<manifest::SegmentEntry>> Maintenance::WriteSegments(
    const FrozenMemTable& frozen) {
  Catalog& catalog = sources_.versions->catalog();
  manifest::CatalogState state = catalog.State();
  // One pass over the memtable (ordered by branch, then space) feeds one
  // writer per space; each sees its keys in increasing order. A writer
  // that is not finished removes its file.
  std::map<uint32_t, std::unique_ptr<segment::SegmentWriter>> writers;
  std::unique_ptr<mvcc::VersionIterator> it = frozen.table->NewIterator();
  for (it->Seek(std::string()); it->Valid(); it->Next()) {
    const RecordView& version = it->version();
    uint32_t space_id = DecodeBigEndian32(version.key.data() + 4);
    auto space = state.spaces.find(space_id);
    if (space == state.spaces.end()) continue;  // dropped
    std::unique_ptr<segment::SegmentWriter>& writer = writers[space_id];
    if (writer == nullptr) {
      uint64_t number = catalog.AllocateFileNumber();
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
  absl::Status status;
  for (auto& [space_id, writer] : writers) {
    absl::StatusOr<segment::SegmentProperties> properties = writer->Finish();
    if (!properties.ok()) {
      status = properties.status();
      break;
    }
    added.push_back(*properties);
  }
  if (status.ok()) status = fs_->SyncDirectory(segment_dir_);
  if (!status.ok()) {
    DeleteSegmentFiles(FileNumbers(added));  // they would take space
    return status;
  }
  return added;
}

std::vector<uint64_t> Maintenance::FileNumbers(
    const std::vector<manifest::SegmentEntry>& entries) {
  std::vector<uint64_t> numbers;
  for (const manifest::SegmentEntry& entry : entries) {
    numbers.push_back(entry.file_number);
  }
  return numbers;
}

absl::Status Maintenance::SealOldestFrozen() {
  Catalog& catalog = sources_.versions->catalog();
  const FrozenMemTable frozen = sources_.versions->Pin()->frozen.front();
  absl::StatusOr<std::vector<manifest::SegmentEntry>> added =
      WriteSegments(frozen);
  if (!added.ok()) return added.status();
  // Open the readers before the manifest names the files.
  std::map<uint64_t, std::shared_ptr<segment::SegmentReader>> readers;
  for (const manifest::SegmentEntry& entry : *added) {
    absl::StatusOr<std::shared_ptr<segment::SegmentReader>> reader =
        OpenReader(entry.file_number, entry.size_bytes);
    if (!reader.ok()) {
      DeleteSegmentFiles(FileNumbers(*added));
      return reader.status();
    }
    readers[entry.file_number] = std::move(*reader);
  }
  // A failed manifest write may still have reached the file (if cutting it
  // back failed too), so its segments stay: the next open removes them if
  // the manifest does not name them.
  absl::StatusOr<std::vector<uint64_t>> skipped = catalog.RecordSegments(
      *added, {}, frozen.max_revision, 0, sources_.newest_hlc());
  if (!skipped.ok()) return skipped.status();
  for (uint64_t number : *skipped) readers.erase(number);
  sources_.versions->Install([&](ReadState& state) {
    state.frozen.erase(state.frozen.begin());
    for (auto& [number, reader] : readers) {
      state.segments[reader->space_id()].push_back(reader);
    }
  });
  DeleteSegmentFiles(*skipped);
  seals_++;
  options_.env.logger->info("sealed revisions up to {} into {} segment(s)",
                            frozen.max_revision, readers.size());
  return absl::OkStatus();
}

bool Maintenance::HoldsDroppedBranch(const segment::SegmentReader& segment,
                                     const segment::RetentionPolicy& policy) {
  for (const segment::BlockEntry& block : segment.index().blocks) {
    // A block holds one branch: the first 4 bytes of its keys.
    if (block.first_key.size() >= 4 &&
        !policy.live_branches.contains(
            DecodeBigEndian32(block.first_key.data()))) {
      return true;
    }
  }
  return false;
}

segment::RetentionPolicy Maintenance::RetentionFor(bool all_segments) const {
  segment::RetentionPolicy policy;
  const manifest::CatalogState state = sources_.versions->catalog().State();
  for (const auto& [id, branch] : state.branches) {
    policy.live_branches.insert(id);
  }
  Revision current = sources_.versions->visible_revision();
  if (options_.history_retention_revisions == 0 ||
      current <= options_.history_retention_revisions) {
    return policy;  // keep all history
  }
  policy.horizon = current - options_.history_retention_revisions;
  for (const auto& [id, branch] : state.branches) {
    if (branch.parent_id == 0) {
      // Dropping a tombstone is safe only when every older version of the
      // address is in the merge.
      if (all_segments) policy.root_branches.insert(id);
    } else if (branch.fork_hlc == 0) {
      policy.pins[branch.parent_id].push_back(branch.fork_revision);
    } else {
      policy.hlc_pins[branch.parent_id].push_back(branch.fork_hlc);
    }
  }
  return policy;
}

absl::Status Maintenance::CompactSegments(
    uint32_t space_id,
    const std::vector<std::shared_ptr<segment::SegmentReader>>& inputs,
    bool all_segments) {
  Catalog& catalog = sources_.versions->catalog();
  int dims = catalog.SpaceDims(space_id);
  if (dims == 0) return absl::OkStatus();  // dropped meanwhile
  segment::RetentionPolicy policy = RetentionFor(all_segments);
  uint64_t number = catalog.AllocateFileNumber();
  const uint64_t versions = segment::InputVersions(inputs);
  const uint64_t read_before = compaction_versions_read_.load();
  compaction_versions_total_ += versions;
  absl::StatusOr<std::optional<segment::SegmentProperties>> merged =
      segment::MergeSegments(inputs, policy, fs_, SegmentPath(number), number,
                             space_id, dims, options_.segment_compression,
                             &compaction_versions_read_);
  // Read and total agree again, whatever the merge did.
  compaction_versions_read_ = read_before + versions;
  if (!merged.ok()) return merged.status();
  std::vector<manifest::SegmentEntry> added;
  std::shared_ptr<segment::SegmentReader> output;
  if (merged->has_value()) {
    absl::Status status = fs_->SyncDirectory(segment_dir_);
    absl::StatusOr<std::shared_ptr<segment::SegmentReader>> reader =
        status.ok()
            ? OpenReader(number, (*merged)->size_bytes)
            : absl::StatusOr<std::shared_ptr<segment::SegmentReader>>(status);
    if (!reader.ok()) {
      DeleteSegmentFiles({number});  // it would take space
      return reader.status();
    }
    output = std::move(*reader);
    added.push_back(**merged);
  }
  std::vector<uint64_t> removed;
  for (const auto& input : inputs) removed.push_back(input->file_number());
  absl::StatusOr<std::vector<uint64_t>> skipped =
      catalog.RecordSegments(added, removed, 0, policy.horizon);
  if (!skipped.ok()) return skipped.status();
  if (!skipped->empty()) output = nullptr;
  sources_.versions->Install([&](ReadState& state) {
    auto& segments = state.segments[space_id];
    std::erase_if(segments, [&](const auto& segment) {
      return std::find(removed.begin(), removed.end(),
                       segment->file_number()) != removed.end();
    });
    if (output != nullptr) segments.insert(segments.begin(), output);
  });
  DeleteSegmentFiles(removed);
  DeleteSegmentFiles(*skipped);
  compactions_++;
  options_.env.logger->info(
      "compacted {} segment(s) of space {} into {} ({} records)", inputs.size(),
      sources_.versions->catalog().SpaceLabel(space_id),
      output ? SegmentPath(number) : "none",
      merged->has_value() ? (*merged)->record_count : 0);
  return absl::OkStatus();
}

absl::Status Maintenance::CompactTiers() {
  std::shared_ptr<const ReadState> state = sources_.versions->Pin();
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

absl::Status Maintenance::Compact(std::string_view space) {
  Catalog& catalog = sources_.versions->catalog();
  std::vector<uint32_t> space_ids;
  if (space.empty()) {
    for (const auto& [id, entry] : catalog.State().spaces) {
      space_ids.push_back(id);
    }
  } else {
    absl::StatusOr<manifest::SpaceEntry> entry = catalog.FindSpace(space);
    if (!entry.ok()) return entry.status();
    space_ids.push_back(entry->id);
  }
  absl::MutexLock maintenance(&mu_);
  std::shared_ptr<const ReadState> state = sources_.versions->Pin();
  for (uint32_t id : space_ids) {
    auto segments = state->segments.find(id);
    if (segments == state->segments.end() || segments->second.empty()) continue;
    // One segment is rewritten only when retention may drop something, or
    // it holds versions of a dropped branch.
    if (segments->second.size() == 1) {
      const segment::RetentionPolicy policy = RetentionFor(true);
      if (policy.horizon == 0 &&
          !HoldsDroppedBranch(*segments->second.front(), policy)) {
        continue;
      }
    }
    absl::Status status =
        CompactSegments(id, segments->second, /*all_segments=*/true);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status Maintenance::DropSpace(std::string_view name) {
  Catalog& catalog = sources_.versions->catalog();
  absl::MutexLock maintenance(&mu_);
  absl::StatusOr<manifest::SpaceEntry> space = catalog.FindSpace(name);
  if (!space.ok()) return space.status();
  absl::StatusOr<std::vector<uint64_t>> files = catalog.DropSpace(name);
  if (!files.ok()) return files.status();
  sources_.versions->Install(
      [&](ReadState& state) { state.segments.erase(space->id); });
  DeleteSegmentFiles(*files);
  return absl::OkStatus();
}

absl::Status Maintenance::ReleaseWal() {
  Revision upto = sources_.versions->catalog().sealed_revision();
  if (options_.wal_hold_revision) {
    Revision hold = options_.wal_hold_revision();
    if (hold == 0) return absl::OkStatus();
    upto = std::min(upto, hold - 1);
  }
  Revision subscribers_hold = sources_.subscriber_acks->HoldRevision(
      sources_.versions->visible_revision());
  if (subscribers_hold != 0) upto = std::min(upto, subscribers_hold - 1);
  return sources_.wal_segments->ReleaseUpTo(upto).status();
}

void Maintenance::DeleteSegmentFiles(
    const std::vector<uint64_t>& file_numbers) {
  for (uint64_t number : file_numbers) {
    sources_.block_cache->EraseFile(number);
    absl::Status status = fs_->Remove(SegmentPath(number));
    if (!status.ok()) options_.env.logger->warn("{}", status.ToString());
  }
}

}  // namespace infinitedb
