// CRC32C (Castagnoli), the checksum of every frame and block the engine
// writes. Uses the SSE4.2 crc32 instruction when the CPU has it and a
// table-driven fallback otherwise; both give identical results.
#ifndef INFINITEDB_ENGINE_COMMON_CRC32C_H_
#define INFINITEDB_ENGINE_COMMON_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace infinitedb::crc32c {

// Returns the CRC32C of `data` continued from a previous result `crc`
// (0 for a fresh checksum).
uint32_t Extend(uint32_t crc, const void* data, size_t size);

inline uint32_t Value(std::string_view data) {
  return Extend(0, data.data(), data.size());
}

}  // namespace infinitedb::crc32c

#endif  // INFINITEDB_ENGINE_COMMON_CRC32C_H_
