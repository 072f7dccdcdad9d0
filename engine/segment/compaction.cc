#include "engine/segment/compaction.h"

#include "engine/common/coding.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/merging_iterator.h"
#include "engine/mvcc/version_record.h"

namespace infinitedb::segment {
namespace {

// The versions of one address, copied out of their blocks (an input's block
// window may move on while the group is being collected).
class AddressGroup {
 public:
  void Add(const RecordView& version) {
    std::string record(
        mvcc::VersionRecordBytes(version.key.size(), version.value.size()),
        '\0');
    mvcc::EncodeVersionRecord(version, record.data());
    records_.push_back(std::move(record));
    revisions_.push_back(version.stamp.revision);
    deleted_.push_back(version.deleted);
    hlcs_.push_back(version.stamp.hlc);
  }
  bool empty() const { return records_.empty(); }
  std::string_view address() const {
    return mvcc::KeyAddress(mvcc::DecodeVersionRecord(records_[0].data()).key);
  }
  uint32_t branch_id() const { return DecodeBigEndian32(address().data()); }

  absl::Status WriteRetained(const RetentionFilter& filter,
                             SegmentWriter* writer) {
    std::vector<bool> keep =
        filter.Decide(branch_id(), revisions_, deleted_, hlcs_);
    for (size_t i = 0; i < records_.size(); ++i) {
      if (!keep[i]) continue;
      absl::Status status =
          writer->Add(mvcc::DecodeVersionRecord(records_[i].data()));
      if (!status.ok()) return status;
    }
    records_.clear();
    revisions_.clear();
    deleted_.clear();
    hlcs_.clear();
    return absl::OkStatus();
  }

 private:
  std::vector<std::string> records_;
  std::vector<Revision> revisions_;
  std::vector<bool> deleted_;
  std::vector<uint64_t> hlcs_;
};

}  // namespace

absl::StatusOr<std::optional<SegmentProperties>> MergeSegments(
    const std::vector<std::shared_ptr<SegmentReader>>& inputs,
    const RetentionPolicy& policy, FileSystem* file_system,
    const std::string& path, uint64_t file_number, uint32_t space_id, int dims,
    BlockCodec codec, std::atomic<uint64_t>* versions_read) {
  std::vector<std::unique_ptr<mvcc::VersionIterator>> children;
  for (const auto& input : inputs) {
    std::vector<uint32_t> all(input->index().blocks.size());
    for (uint32_t i = 0; i < all.size(); ++i) all[i] = i;
    children.push_back(input->NewIterator(std::move(all)));
  }
  mvcc::MergingIterator merged(std::move(children));
  absl::StatusOr<std::unique_ptr<SegmentWriter>> writer = SegmentWriter::Create(
      file_system, path, file_number, space_id, dims, codec);
  if (!writer.ok()) return writer.status();
  RetentionFilter filter(policy);
  AddressGroup group;
  merged.Seek(std::string());
  for (; merged.Valid(); merged.Next()) {
    const RecordView& version = merged.version();
    if (!group.empty() && mvcc::KeyAddress(version.key) != group.address()) {
      absl::Status status = group.WriteRetained(filter, writer->get());
      if (!status.ok()) return status;
    }
    group.Add(version);
    if (versions_read != nullptr) {
      versions_read->fetch_add(1, std::memory_order_relaxed);
    }
  }
  if (!merged.status().ok()) return merged.status();
  if (!group.empty()) {
    absl::Status status = group.WriteRetained(filter, writer->get());
    if (!status.ok()) return status;
  }
  if ((*writer)->record_count() == 0) return std::nullopt;  // file removed
  absl::StatusOr<SegmentProperties> properties = (*writer)->Finish();
  if (!properties.ok()) return properties.status();
  return *properties;
}

uint64_t InputVersions(
    const std::vector<std::shared_ptr<SegmentReader>>& inputs) {
  uint64_t versions = 0;
  for (const auto& input : inputs) {
    for (const BlockEntry& block : input->index().blocks) {
      versions += block.record_count;
    }
  }
  return versions;
}

}  // namespace infinitedb::segment
