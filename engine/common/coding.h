// Fixed-width integer encoding used by every on-disk format of the engine.
//
// Two byte orders on purpose: little-endian for lengths, counters and
// checksums (what the CPU reads natively), big-endian for anything that is
// compared with memcmp to give key order (branch ids, space ids, Hilbert keys,
// inverted revisions).
#ifndef INFINITEDB_ENGINE_COMMON_CODING_H_
#define INFINITEDB_ENGINE_COMMON_CODING_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace infinitedb {

// The encoders and decoders below compile to one load or store (plus a byte
// swap for big-endian) on the little-endian machines the engine runs on.
static_assert(std::endian::native == std::endian::little,
              "the engine's encodings assume a little-endian CPU");

inline void EncodeFixed32(uint32_t v, char* out) { std::memcpy(out, &v, 4); }

inline void EncodeFixed64(uint64_t v, char* out) { std::memcpy(out, &v, 8); }

inline void PutFixed32(std::string* out, uint32_t v) {
  char buf[4];
  EncodeFixed32(v, buf);
  out->append(buf, 4);
}

inline void PutFixed64(std::string* out, uint64_t v) {
  char buf[8];
  EncodeFixed64(v, buf);
  out->append(buf, 8);
}

inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline void EncodeBigEndian32(uint32_t v, char* out) {
  EncodeFixed32(__builtin_bswap32(v), out);
}

inline void EncodeBigEndian64(uint64_t v, char* out) {
  EncodeFixed64(__builtin_bswap64(v), out);
}

inline uint32_t DecodeBigEndian32(const char* p) {
  return __builtin_bswap32(DecodeFixed32(p));
}

inline uint64_t DecodeBigEndian64(const char* p) {
  return __builtin_bswap64(DecodeFixed64(p));
}

// Sequential reader over a byte string; every Read* fails (returns false)
// instead of reading past the end, so decoders of untrusted bytes stay safe.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  bool ReadFixed32(uint32_t* v) {
    if (data_.size() < 4) return false;
    *v = DecodeFixed32(data_.data());
    data_.remove_prefix(4);
    return true;
  }
  bool ReadFixed64(uint64_t* v) {
    if (data_.size() < 8) return false;
    *v = DecodeFixed64(data_.data());
    data_.remove_prefix(8);
    return true;
  }
  bool ReadByte(uint8_t* v) {
    if (data_.empty()) return false;
    *v = static_cast<uint8_t>(data_[0]);
    data_.remove_prefix(1);
    return true;
  }
  bool ReadBytes(size_t n, std::string_view* v) {
    if (data_.size() < n) return false;
    *v = data_.substr(0, n);
    data_.remove_prefix(n);
    return true;
  }
  // A 32-bit length followed by that many bytes.
  bool ReadLengthPrefixed(std::string_view* v) {
    uint32_t n;
    return ReadFixed32(&n) && ReadBytes(n, v);
  }
  bool empty() const { return data_.empty(); }
  size_t remaining() const { return data_.size(); }

 private:
  std::string_view data_;
};

// FNV-1a, 64 bits: a stable hash of a name (for addresses derived from
// names; not for integrity).
inline uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

inline void PutLengthPrefixed(std::string* out, std::string_view bytes) {
  PutFixed32(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes);
}

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_COMMON_CODING_H_
