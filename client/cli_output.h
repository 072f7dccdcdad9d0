// How infdb-cli prints: aligned tables for people (`--output table`, the
// default) and, for scripts, one JSON dialect in two framings: `--output
// json` (one document; `--json` is short for it) and `--output jsonl` (one
// object per line, written as results arrive).
//
// The dialect (README, "Output for scripts"):
//   - a row is an object keyed by the table's column names;
//   - a point is an array of numbers: [42,3,0];
//   - a value (bytes) is {"text":"..."} when it is valid UTF-8, else
//     {"base64":"..."}; never a type guessed from its content;
//   - 64-bit numbers (revisions, HLC stamps, ids, counts, bytes) are
//     decimal strings, as in protobuf's JSON mapping, so that JavaScript
//     keeps them exact; 32-bit numbers (dimensions, node ids, origins) are
//     numbers; true/false; null where a row has no value; times as
//     RFC 3339 strings;
//   - a command that pages prints {"rows":[...],"next_cursor":"HEX"} under
//     json ("" when there is no more), and under jsonl its rows and then,
//     when there is more, a last line {"next_cursor":"HEX"};
//   - a command that returns nothing prints {"done":"flush",...} saying
//     what was done (tables print nothing then).
#ifndef INFINITEDB_CLIENT_CLI_OUTPUT_H_
#define INFINITEDB_CLIENT_CLI_OUTPUT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "infinitedb/v1/common.pb.h"

namespace infinitedb::cli {

enum class OutputFormat { kTable, kJson, kJsonl };

// One cell of a row: its text in a table for people and its JSON value.
struct Cell {
  std::string text;
  std::string json;
};

Cell TextCell(const std::string& text);
// A 64-bit number: a JSON string.
Cell U64Cell(uint64_t value);
Cell I64Cell(int64_t value);
// A 32-bit number (dims, node ids, origins, levels): a JSON number.
Cell NumberCell(int64_t value);
Cell BoolCell(bool value);
Cell PointCell(const v1::Point& point);
// Bytes: printable text (else 0x-hex) in a table; {"text"} or {"base64"}.
Cell ValueCell(const std::string& bytes);
// Milliseconds since the epoch; 0 is "-" and null.
Cell TimeCell(int64_t unix_ms);
// No value in this row: `text` in a table ("" unless given), null in JSON.
Cell NullCell(const std::string& text = "");
// Words: space-separated in a table, a JSON array of strings.
Cell ListCell(const std::vector<std::string>& items);
Cell U64ListCell(const std::vector<uint64_t>& values);
// A cell whose JSON the caller made (an object, an array).
Cell JsonCell(const std::string& text, const std::string& json);

// A record's point, value and revision.
std::vector<Cell> RecordCells(const v1::Record& record);

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

// Prints rows as they come (json and jsonl) or when finished (a table,
// which needs every row for its widths). Nothing is printed before the
// first row: a command that fails at once leaves stdout empty.
class RowWriter {
 public:
  // `paged`: the command pages, so Finish prints its cursor.
  RowWriter(OutputFormat format, std::vector<std::string> columns, bool paged);
  void Add(const std::vector<Cell>& row);
  // Ends the output: a paged command's cursor to continue ("" = done) goes
  // to stderr as "more: --cursor HEX" under a table.
  void Finish(const std::string& next_cursor = "");

 private:
  void Open();  // prints the start of a json array, once

  OutputFormat format_;
  std::vector<std::string> columns_;
  bool paged_;
  bool opened_ = false;
  size_t rows_ = 0;
  std::vector<std::vector<Cell>> buffered_;  // a table's rows
};

void PrintTable(const Table& table, OutputFormat format);
// A row as a JSON object keyed by the column names.
std::string RowJson(const std::vector<std::string>& columns,
                    const std::vector<Cell>& row);
// The rows as a JSON array of objects.
std::string TableJson(const Table& table);
void PrintPage(const Table& table, const std::string& next_cursor,
               OutputFormat format);
// What a command that returns nothing did: {"done":WHAT, fields...} for
// scripts; nothing in a table.
void PrintDone(OutputFormat format, const std::string& what,
               const std::vector<std::pair<std::string, Cell>>& fields = {});

// A JSON string; invalid UTF-8 becomes U+FFFD so the document stays valid.
std::string JsonString(const std::string& text);
bool IsValidUtf8(const std::string& text);
std::string PointText(const v1::Point& point);
// Printable value: the text itself when it is valid UTF-8 without control
// characters, else 0x-prefixed hex.
std::string ValueText(const std::string& value);
std::string HexEncode(const std::string& bytes);
std::string PointJson(const v1::Point& point);
std::string ValueJson(const std::string& bytes);

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_OUTPUT_H_
