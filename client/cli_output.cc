#include "client/cli_output.h"

#include <algorithm>
#include <cstdio>

namespace infinitedb::cli {
namespace {

void PrintAligned(const std::vector<std::string>& columns,
                  const std::vector<std::vector<Cell>>& rows) {
  std::vector<size_t> widths;
  for (const std::string& column : columns) widths.push_back(column.size());
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], row[c].text.size());
    }
  }
  auto print_row = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c + 1 == cells.size()) {
        std::printf("%s\n", cells[c].c_str());
      } else {
        std::printf("%-*s  ", static_cast<int>(widths[c]), cells[c].c_str());
      }
    }
  };
  print_row(columns);
  for (const auto& row : rows) {
    std::vector<std::string> texts;
    for (const Cell& cell : row) texts.push_back(cell.text);
    print_row(texts);
  }
}

}  // namespace

RowWriter::RowWriter(OutputFormat format, std::vector<std::string> columns,
                     bool paged)
    : format_(format), columns_(std::move(columns)), paged_(paged) {}

void RowWriter::Open() {
  if (opened_) return;
  opened_ = true;
  if (format_ == OutputFormat::kJson) std::printf(paged_ ? "{\"rows\":[" : "[");
}

std::string RowJson(const std::vector<std::string>& columns,
                    const std::vector<Cell>& row) {
  std::string out = "{";
  for (size_t c = 0; c < columns.size() && c < row.size(); ++c) {
    if (c > 0) out += ",";
    out += JsonString(columns[c]) + ":" + row[c].json;
  }
  return out + "}";
}

void RowWriter::Add(const std::vector<Cell>& row) {
  Open();
  switch (format_) {
    case OutputFormat::kTable:
      buffered_.push_back(row);
      break;
    case OutputFormat::kJson:
      std::printf("%s%s", rows_ == 0 ? "" : ",",
                  RowJson(columns_, row).c_str());
      break;
    case OutputFormat::kJsonl:
      std::printf("%s\n", RowJson(columns_, row).c_str());
      break;
  }
  ++rows_;
}

void RowWriter::Finish(const std::string& next_cursor) {
  const std::string cursor = HexEncode(next_cursor);
  Open();
  switch (format_) {
    case OutputFormat::kTable:
      PrintAligned(columns_, buffered_);
      if (paged_ && !cursor.empty()) {
        std::fflush(stdout);
        std::fprintf(stderr, "more: --cursor %s\n", cursor.c_str());
      }
      break;
    case OutputFormat::kJson:
      if (paged_) {
        std::printf("],\"next_cursor\":\"%s\"}\n", cursor.c_str());
      } else {
        std::printf("]\n");
      }
      break;
    case OutputFormat::kJsonl:
      if (paged_ && !cursor.empty()) {
        std::printf("{\"next_cursor\":\"%s\"}\n", cursor.c_str());
      }
      break;
  }
  std::fflush(stdout);
}

void PrintTable(const Table& table, OutputFormat format) {
  RowWriter writer(format, table.columns, /*paged=*/false);
  for (const auto& row : table.rows) writer.Add(row);
  writer.Finish();
}

std::string TableJson(const Table& table) {
  std::string out = "[";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    out += (r == 0 ? "" : ",") + RowJson(table.columns, table.rows[r]);
  }
  return out + "]";
}

void PrintPage(const Table& table, const std::string& next_cursor,
               OutputFormat format) {
  RowWriter writer(format, table.columns, /*paged=*/true);
  for (const auto& row : table.rows) writer.Add(row);
  writer.Finish(next_cursor);
}

void PrintDone(OutputFormat format, const std::string& what,
               const std::vector<std::pair<std::string, Cell>>& fields) {
  if (format == OutputFormat::kTable) return;
  std::string out = "{\"done\":" + JsonString(what);
  for (const auto& [name, cell] : fields) {
    out += "," + JsonString(name) + ":" + cell.json;
  }
  std::printf("%s}\n", out.c_str());
  std::fflush(stdout);
}

}  // namespace infinitedb::cli
