// How infdb-cli prints: aligned tables for people, JSON for scripts.
#ifndef INFINITEDB_CLIENT_CLI_OUTPUT_H_
#define INFINITEDB_CLIENT_CLI_OUTPUT_H_

#include <set>
#include <string>
#include <vector>

#include "infinitedb/v1/common.pb.h"

namespace infinitedb::cli {

// A table: column names and rows of cells; printed aligned, or as a JSON
// array of objects (cells that look like numbers or booleans stay bare).
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  // Columns whose cells are JSON already (an array, an object, null) in
  // --json output: printed as they are. Their cells are plain text in the
  // table for people.
  std::set<std::string> json_columns = {};
};

void PrintTable(const Table& table, bool json);
std::string JsonString(const std::string& text);
std::string PointText(const v1::Point& point);
// Printable value: the text itself when it is printable UTF-8-ish ASCII,
// else 0x-prefixed hex.
std::string ValueText(const std::string& value);
std::string HexEncode(const std::string& bytes);

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_OUTPUT_H_
