// Names of numbered files: "000042.log", "000042.seg". The number is decimal,
// zero-padded to at least 6 digits.
#ifndef INFINITEDB_ENGINE_COMMON_FILE_NAMES_H_
#define INFINITEDB_ENGINE_COMMON_FILE_NAMES_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace infinitedb {

std::string NumberedFileName(uint64_t number, std::string_view suffix);
// Parses "<digits><suffix>" with a non-zero number; false otherwise.
bool ParseNumberedFileName(std::string_view name, std::string_view suffix,
                           uint64_t* number);

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_COMMON_FILE_NAMES_H_
