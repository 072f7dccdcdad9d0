#include "engine/common/framing.h"

#include "engine/common/coding.h"
#include "engine/common/crc32c.h"

namespace infinitedb::framing {

static_assert(kHeaderBytes == 4 + 4 + 1, "frame header layout is frozen");

void EncodeHeader(uint8_t type, std::initializer_list<std::string_view> parts,
                  char* header) {
  size_t total = 0;
  for (std::string_view part : parts) total += part.size();
  uint32_t length = static_cast<uint32_t>(total);
  for (int i = 0; i < 4; ++i)
    header[4 + i] = static_cast<char>(length >> (8 * i));
  header[8] = static_cast<char>(type);
  uint32_t crc = crc32c::Extend(0, header + 4, 5);
  for (std::string_view part : parts) {
    crc = crc32c::Extend(crc, part.data(), part.size());
  }
  for (int i = 0; i < 4; ++i) header[i] = static_cast<char>(crc >> (8 * i));
}

void AppendFrame(std::string* out, uint8_t type, std::string_view payload) {
  char header[kHeaderBytes];
  EncodeHeader(type, {payload}, header);
  out->append(header, kHeaderBytes);
  out->append(payload);
}

ParseResult ParseFrame(std::string_view data, size_t offset,
                       ParsedFrame* frame) {
  if (offset >= data.size()) return ParseResult::kEndOfData;
  size_t available = data.size() - offset;
  if (available < kHeaderBytes) return ParseResult::kTruncated;
  const char* p = data.data() + offset;
  uint32_t stored_crc = DecodeFixed32(p);
  uint32_t length = DecodeFixed32(p + 4);
  uint8_t type = static_cast<uint8_t>(p[8]);
  if (type == 0 || length > kMaxFramePayloadBytes) return ParseResult::kCorrupt;
  if (available - kHeaderBytes < length) return ParseResult::kTruncated;
  uint32_t crc = crc32c::Extend(0, p + 4, 5 + static_cast<size_t>(length));
  if (crc != stored_crc) return ParseResult::kCorrupt;
  frame->type = type;
  frame->payload = std::string_view(p + kHeaderBytes, length);
  frame->frame_bytes = kHeaderBytes + length;
  return ParseResult::kOk;
}

bool AnyValidFrameAfter(std::string_view data, size_t offset) {
  ParsedFrame frame;
  for (size_t at = offset + 1; at + kHeaderBytes <= data.size(); ++at) {
    if (ParseFrame(data, at, &frame) == ParseResult::kOk) return true;
  }
  return false;
}

}  // namespace infinitedb::framing
