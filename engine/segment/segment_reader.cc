#include "engine/segment/segment_reader.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/common/crc32c.h"
#include "engine/io/uring.h"
#include "engine/mvcc/internal_key.h"
#include "engine/segment/segment_iterator.h"

namespace infinitedb::segment {

absl::StatusOr<std::shared_ptr<SegmentReader>> SegmentReader::Open(
    FileSystem* file_system, const std::string& path, uint64_t file_number,
    uint64_t expected_size, BlockCache* cache) {
  absl::StatusOr<io::File> file = file_system->Open(path, /*writable=*/false);
  if (!file.ok()) return file.status();
  absl::StatusOr<uint64_t> size = file->Size();
  if (!size.ok()) return size.status();
  if (*size != expected_size || *size < kFooterBytes) {
    return absl::DataLossError(absl::StrFormat(
        "segment %s is %d bytes, the manifest recorded %d (truncated?)", path,
        *size, expected_size));
  }
  absl::StatusOr<std::string> footer_bytes =
      file->ReadAt(*size - kFooterBytes, kFooterBytes);
  if (!footer_bytes.ok()) return footer_bytes.status();
  absl::StatusOr<Footer> footer = DecodeFooter(*footer_bytes, path);
  if (!footer.ok()) return footer.status();
  // Written without sums that could wrap around on a damaged footer.
  if (footer->index_size > *size - kFooterBytes ||
      footer->index_offset != *size - kFooterBytes - footer->index_size) {
    return absl::DataLossError(
        absl::StrFormat("segment %s: index does not end at the footer", path));
  }
  absl::StatusOr<std::string> index_bytes =
      file->ReadAt(footer->index_offset, footer->index_size);
  if (!index_bytes.ok()) return index_bytes.status();
  if (crc32c::Value(*index_bytes) != footer->index_crc32c) {
    return absl::DataLossError(
        absl::StrFormat("segment %s: index checksum mismatch", path));
  }
  absl::StatusOr<SegmentIndex> index = DecodeIndex(*index_bytes, path);
  if (!index.ok()) return index.status();
  for (const BlockEntry& block : index->blocks) {
    if (block.size > footer->index_offset ||
        block.offset > footer->index_offset - block.size) {
      return absl::DataLossError(
          absl::StrFormat("segment %s: block past the index", path));
    }
  }
  return std::shared_ptr<SegmentReader>(
      new SegmentReader(std::move(*file), file_number, *size, footer->space_id,
                        footer->format_version, std::move(*index), cache));
}

void SegmentReader::CollectBlocks(size_t level, size_t node, size_t first,
                                  size_t end, const Box* box,
                                  std::vector<uint32_t>* out) const {
  if (level == 0) {
    if (node >= first && node < end &&
        (box == nullptr || index_.blocks[node].mbr.Intersects(*box))) {
      out->push_back(static_cast<uint32_t>(node));
    }
    return;
  }
  // Node `node` of `level` spans blocks [node * span, (node + 1) * span).
  size_t span = 1;
  for (size_t i = 0; i < level; ++i) span *= kTreeFanout;
  if ((node + 1) * span <= first || node * span >= end) return;
  if (box != nullptr && !index_.levels[level - 1][node].Intersects(*box)) {
    return;
  }
  size_t below =
      level == 1 ? index_.blocks.size() : index_.levels[level - 2].size();
  for (size_t child = node * kTreeFanout;
       child < std::min(below, (node + 1) * kTreeFanout); ++child) {
    CollectBlocks(level - 1, child, first, end, box, out);
  }
}

std::vector<uint32_t> SegmentReader::CandidateBlocks(
    std::string_view key_prefix, const Box* box, Revision newer_than) const {
  // Blocks hold one branch each, so the prefix's blocks are one run.
  const auto& blocks = index_.blocks;
  auto prefix_of = [](const std::string& key) {
    return std::string_view(key).substr(0, mvcc::kKeyPrefixBytes);
  };
  size_t first =
      std::partition_point(blocks.begin(), blocks.end(),
                           [&](const BlockEntry& b) {
                             return prefix_of(b.last_key) < key_prefix;
                           }) -
      blocks.begin();
  size_t end =
      std::partition_point(blocks.begin() + first, blocks.end(),
                           [&](const BlockEntry& b) {
                             return prefix_of(b.first_key) <= key_prefix;
                           }) -
      blocks.begin();
  std::vector<uint32_t> out;
  if (first >= end) return out;
  size_t top = index_.levels.size();
  CollectBlocks(top, 0, first, end, box, &out);
  if (newer_than > 0) {
    std::erase_if(out, [&](uint32_t block) {
      return blocks[block].max_revision <= newer_than;
    });
  }
  return out;
}

std::vector<uint32_t> SegmentReader::BlocksInKeyRange(
    std::string_view first, std::string_view last) const {
  const auto& blocks = index_.blocks;
  size_t at =
      std::partition_point(blocks.begin(), blocks.end(),
                           [&](const BlockEntry& b) {
                             return std::string_view(b.last_key) < first;
                           }) -
      blocks.begin();
  std::vector<uint32_t> out;
  for (; at < blocks.size() && std::string_view(blocks[at].first_key) <= last;
       ++at) {
    out.push_back(static_cast<uint32_t>(at));
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const Block>> SegmentReader::ReadBlock(
    uint32_t index) const {
  if (index >= index_.blocks.size()) {
    return absl::OutOfRangeError(
        absl::StrFormat("segment %s has no block %d", path(), index));
  }
  absl::StatusOr<std::vector<std::shared_ptr<const Block>>> blocks =
      ReadBlocks({&index, 1});
  if (!blocks.ok()) return blocks.status();
  return std::move((*blocks)[0]);
}

absl::StatusOr<std::vector<std::shared_ptr<const Block>>>
SegmentReader::ReadBlocks(std::span<const uint32_t> indices) const {
  std::vector<std::shared_ptr<const Block>> blocks(indices.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < indices.size(); ++i) {
    blocks[i] = cache_->Lookup(file_number_, indices[i]);
    if (blocks[i] == nullptr) missing.push_back(i);
  }
  if (missing.empty()) return blocks;
  std::vector<std::string> buffers(missing.size());
  std::vector<ReadRequest> requests(missing.size());
  for (size_t i = 0; i < missing.size(); ++i) {
    const BlockEntry& entry = index_.blocks[indices[missing[i]]];
    buffers[i].resize(entry.size);
    requests[i] = {entry.offset, entry.size, buffers[i].data()};
  }
  absl::Status status = file_.file_system()->ReadBatch(file_, requests);
  if (!status.ok()) {
    // The data is out of reach: DataLoss naming the file and the block.
    if (absl::IsDataLoss(status)) return status;
    return absl::DataLossError(absl::StrFormat(
        "segment %s: cannot read block %d%s: %s", path(),
        indices[missing.front()], missing.size() > 1 ? " (and others)" : "",
        status.message()));
  }
  for (size_t i = 0; i < missing.size(); ++i) {
    uint32_t index = indices[missing[i]];
    absl::StatusOr<std::shared_ptr<const Block>> block =
        Block::Parse(std::move(buffers[i]), path(), index, format_version_);
    if (!block.ok()) return block.status();
    cache_->Insert(file_number_, index, *block);
    blocks[missing[i]] = std::move(*block);
  }
  return blocks;
}

std::unique_ptr<mvcc::VersionIterator> SegmentReader::NewIterator(
    std::vector<uint32_t> candidates, std::optional<Box> box) const {
  return std::make_unique<SegmentIterator>(
      shared_from_this(), std::move(candidates), std::move(box));
}

}  // namespace infinitedb::segment
