// CRC-framed records: the framing shared by the write-ahead log and the
// manifest. A file of either kind is a plain sequence of frames.
//
// Frame layout (all integers little-endian):
//
//   offset  size  field
//   0       4     crc32c   CRC32C of bytes [4, 9 + length): length, type,
//                          payload (so a corrupted length is caught too)
//   4       4     length   payload length in bytes (<= kMaxFramePayloadBytes)
//   8       1     type     record type; 0 is never written (zeroed or
//                          preallocated space reads as type 0 and is invalid)
//   9       length payload
//
// Worked example: a frame of type 1 with the 3-byte payload "abc" is 12
// bytes: crc32c(03 00 00 00 01 61 62 63) as 4 bytes, 03 00 00 00, 01,
// 61 62 63.
//
// The layout is frozen: files written by any version must stay readable.
#ifndef INFINITEDB_ENGINE_COMMON_FRAMING_H_
#define INFINITEDB_ENGINE_COMMON_FRAMING_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace infinitedb::framing {

inline constexpr size_t kHeaderBytes = 9;
// Bounds one frame so that a corrupted length never makes a reader allocate
// or skip gigabytes. A WAL commit (batch) must fit in one frame.
inline constexpr uint32_t kMaxFramePayloadBytes = 256u << 20;  // 256 MiB

// Appends one frame holding `payload` with the given type (1..255).
void AppendFrame(std::string* out, uint8_t type, std::string_view payload);

// Writes the 9-byte header for a payload made of `parts` laid back to back
// into `header` (so a caller can frame a payload it never concatenates).
void EncodeHeader(uint8_t type, std::initializer_list<std::string_view> parts,
                  char* header);

enum class ParseResult {
  kOk,         // a whole, valid frame
  kEndOfData,  // no bytes left: a clean end
  kTruncated,  // fewer bytes than the header or the declared length
  kCorrupt,    // type 0, length over the limit, or checksum mismatch
};

struct ParsedFrame {
  uint8_t type = 0;
  std::string_view payload;
  size_t frame_bytes = 0;  // header + payload
};

// Parses the frame starting at `offset` of `data`.
ParseResult ParseFrame(std::string_view data, size_t offset,
                       ParsedFrame* frame);

// True when some valid frame starts anywhere after `offset`. Recovery uses
// it to tell a torn tail (nothing valid follows) from damage in the middle
// of a file (valid frames follow the bad one).
bool AnyValidFrameAfter(std::string_view data, size_t offset);

}  // namespace infinitedb::framing

#endif  // INFINITEDB_ENGINE_COMMON_FRAMING_H_
