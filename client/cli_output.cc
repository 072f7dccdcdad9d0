#include "client/cli_output.h"

#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace infinitedb::cli {
namespace {

bool LooksNumeric(const std::string& text) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return text.size() == 1 || text[0] != '0';
}

}  // namespace

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void PrintTable(const Table& table, bool json) {
  if (json) {
    std::printf("[");
    for (size_t r = 0; r < table.rows.size(); ++r) {
      std::printf("%s{", r == 0 ? "" : ",");
      for (size_t c = 0; c < table.columns.size(); ++c) {
        const std::string& cell = table.rows[r][c];
        bool bare = LooksNumeric(cell) || cell == "true" || cell == "false" ||
                    table.json_columns.contains(table.columns[c]);
        std::printf("%s%s:%s", c == 0 ? "" : ",",
                    JsonString(table.columns[c]).c_str(),
                    bare ? cell.c_str() : JsonString(cell).c_str());
      }
      std::printf("}");
    }
    std::printf("]\n");
    return;
  }
  std::vector<size_t> widths;
  for (const std::string& column : table.columns)
    widths.push_back(column.size());
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c + 1 == row.size()) {
        std::printf("%s\n", row[c].c_str());
      } else {
        std::printf("%-*s  ", static_cast<int>(widths[c]), row[c].c_str());
      }
    }
  };
  print_row(table.columns);
  for (const auto& row : table.rows) print_row(row);
}

std::string PointText(const v1::Point& point) {
  return absl::StrJoin(point.coordinates(), ",");
}

std::string HexEncode(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += absl::StrFormat("%02x", c);
  return out;
}

std::string ValueText(const std::string& value) {
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return "0x" + HexEncode(value);
  }
  return value;
}

}  // namespace infinitedb::cli
