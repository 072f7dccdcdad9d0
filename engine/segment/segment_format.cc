#include "engine/segment/segment_format.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/common/file_names.h"

namespace infinitedb::segment {

static_assert(kFooterBytes == 8 + 8 + 4 + 4 + 4 + 4 + 8,
              "footer layout is frozen");

Mbr Mbr::Empty(int dims) {
  return Mbr{std::vector<uint32_t>(dims, UINT32_MAX),
             std::vector<uint32_t>(dims, 0)};
}

void Mbr::Extend(const Mbr& other) {
  for (size_t i = 0; i < min.size(); ++i) {
    min[i] = std::min(min[i], other.min[i]);
    max[i] = std::max(max[i], other.max[i]);
  }
}

void Mbr::Extend(const RecordView& version) {
  for (size_t i = 0; i < min.size(); ++i) {
    uint32_t c = version.coordinate(static_cast<int>(i));
    min[i] = std::min(min[i], c);
    max[i] = std::max(max[i], c);
  }
}

bool Mbr::Intersects(const Box& box) const {
  for (size_t i = 0; i < min.size(); ++i) {
    if (max[i] < box.min[i] || min[i] > box.max[i]) return false;
  }
  return true;
}

bool Mbr::Contains(const Box& box) const {
  for (size_t i = 0; i < min.size(); ++i) {
    if (box.min[i] < min[i] || box.max[i] > max[i]) return false;
  }
  return true;
}

void BuildTreeLevels(SegmentIndex* index) {
  index->levels.clear();
  std::vector<Mbr> below;
  for (const BlockEntry& block : index->blocks) below.push_back(block.mbr);
  while (below.size() > 1) {
    std::vector<Mbr> level;
    for (size_t first = 0; first < below.size(); first += kTreeFanout) {
      Mbr node = below[first];
      size_t end = std::min(below.size(), first + kTreeFanout);
      for (size_t i = first + 1; i < end; ++i) node.Extend(below[i]);
      level.push_back(std::move(node));
    }
    index->levels.push_back(level);
    below = std::move(level);
  }
}

namespace {

void PutMbr(std::string* out, const Mbr& mbr) {
  for (size_t i = 0; i < mbr.min.size(); ++i) {
    PutFixed32(out, mbr.min[i]);
    PutFixed32(out, mbr.max[i]);
  }
}

bool ReadMbr(ByteReader* reader, int dims, Mbr* mbr) {
  mbr->min.resize(dims);
  mbr->max.resize(dims);
  for (int i = 0; i < dims; ++i) {
    if (!reader->ReadFixed32(&mbr->min[i]) ||
        !reader->ReadFixed32(&mbr->max[i]) || mbr->min[i] > mbr->max[i]) {
      return false;
    }
  }
  return true;
}

bool ReadBlockEntry(ByteReader* reader, int dims, BlockEntry* block) {
  std::string_view first, last;
  bool ok = reader->ReadFixed64(&block->offset) &&
            reader->ReadFixed32(&block->size) &&
            reader->ReadFixed32(&block->record_count) &&
            reader->ReadFixed64(&block->min_revision) &&
            reader->ReadFixed64(&block->max_revision) &&
            reader->ReadLengthPrefixed(&first) &&
            reader->ReadLengthPrefixed(&last) &&
            ReadMbr(reader, dims, &block->mbr);
  block->first_key = std::string(first);
  block->last_key = std::string(last);
  return ok && block->record_count > 0 && block->first_key <= block->last_key;
}

}  // namespace

std::string EncodeIndex(const SegmentIndex& index) {
  std::string out;
  PutFixed32(&out, static_cast<uint32_t>(index.blocks.size()));
  out.push_back(static_cast<char>(index.dims));
  out.push_back(static_cast<char>(kTreeFanout));
  out.push_back(static_cast<char>(index.levels.size()));
  out.push_back(0);
  for (const BlockEntry& block : index.blocks) {
    PutFixed64(&out, block.offset);
    PutFixed32(&out, block.size);
    PutFixed32(&out, block.record_count);
    PutFixed64(&out, block.min_revision);
    PutFixed64(&out, block.max_revision);
    PutLengthPrefixed(&out, block.first_key);
    PutLengthPrefixed(&out, block.last_key);
    PutMbr(&out, block.mbr);
  }
  for (const std::vector<Mbr>& level : index.levels) {
    PutFixed32(&out, static_cast<uint32_t>(level.size()));
    for (const Mbr& node : level) PutMbr(&out, node);
  }
  return out;
}

absl::StatusOr<SegmentIndex> DecodeIndex(std::string_view bytes,
                                         const std::string& path) {
  auto corrupt = [&path](std::string_view what) {
    return absl::DataLossError(
        absl::StrFormat("segment %s: corrupt index: %s", path, what));
  };
  ByteReader reader(bytes);
  uint32_t block_count = 0;
  uint8_t dims = 0, fanout = 0, level_count = 0, reserved = 0;
  if (!reader.ReadFixed32(&block_count) || !reader.ReadByte(&dims) ||
      !reader.ReadByte(&fanout) || !reader.ReadByte(&level_count) ||
      !reader.ReadByte(&reserved)) {
    return corrupt("short header");
  }
  if (dims < kMinDims || dims > kMaxStoredDims || fanout != kTreeFanout ||
      block_count > bytes.size() / 40) {
    return corrupt("bad header");
  }
  SegmentIndex index;
  index.dims = dims;
  index.blocks.resize(block_count);
  for (BlockEntry& block : index.blocks) {
    if (!ReadBlockEntry(&reader, dims, &block)) return corrupt("block entry");
  }
  size_t below = block_count;
  for (int level = 0; level < level_count; ++level) {
    uint32_t node_count = 0;
    if (!reader.ReadFixed32(&node_count) ||
        node_count != (below + kTreeFanout - 1) / kTreeFanout) {
      return corrupt("tree level size");
    }
    std::vector<Mbr> nodes(node_count);
    for (Mbr& node : nodes) {
      if (!ReadMbr(&reader, dims, &node)) return corrupt("tree node");
    }
    index.levels.push_back(std::move(nodes));
    below = node_count;
  }
  if (below > 1 || !reader.empty()) return corrupt("tree shape");
  return index;
}

std::string EncodeFooter(const Footer& footer) {
  std::string out;
  PutFixed64(&out, footer.index_offset);
  PutFixed64(&out, footer.index_size);
  PutFixed32(&out, footer.index_crc32c);
  PutFixed32(&out, kFormatVersion);
  PutFixed32(&out, footer.space_id);
  PutFixed32(&out, 0);
  PutFixed64(&out, kMagic);
  return out;
}

absl::StatusOr<Footer> DecodeFooter(std::string_view bytes,
                                    const std::string& path) {
  ByteReader reader(bytes);
  Footer footer;
  uint32_t reserved = 0;
  uint64_t magic = 0;
  if (bytes.size() != kFooterBytes ||
      !reader.ReadFixed64(&footer.index_offset) ||
      !reader.ReadFixed64(&footer.index_size) ||
      !reader.ReadFixed32(&footer.index_crc32c) ||
      !reader.ReadFixed32(&footer.format_version) ||
      !reader.ReadFixed32(&footer.space_id) || !reader.ReadFixed32(&reserved) ||
      !reader.ReadFixed64(&magic) || magic != kMagic) {
    return absl::DataLossError(absl::StrFormat(
        "segment %s: no valid footer (truncated or not a segment)", path));
  }
  if (footer.format_version < kOldestFormatVersion ||
      footer.format_version > kFormatVersion) {
    return absl::DataLossError(
        absl::StrFormat("segment %s: unsupported format version %d", path,
                        footer.format_version));
  }
  return footer;
}

std::string SegmentFileName(uint64_t file_number) {
  return NumberedFileName(file_number, ".seg");
}

bool ParseSegmentFileName(std::string_view name, uint64_t* file_number) {
  return ParseNumberedFileName(name, ".seg", file_number);
}

}  // namespace infinitedb::segment
