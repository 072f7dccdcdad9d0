#include "engine/common/file_names.h"

#include "absl/strings/str_format.h"

namespace infinitedb {

std::string NumberedFileName(uint64_t number, std::string_view suffix) {
  return absl::StrFormat("%06d%s", number, suffix);
}

bool ParseNumberedFileName(std::string_view name, std::string_view suffix,
                           uint64_t* number) {
  if (name.size() < 6 + suffix.size() ||
      name.substr(name.size() - suffix.size()) != suffix) {
    return false;
  }
  std::string_view digits = name.substr(0, name.size() - suffix.size());
  if (digits.size() > 19) return false;
  *number = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    *number = *number * 10 + static_cast<uint64_t>(c - '0');
  }
  return *number > 0;
}

}  // namespace infinitedb
