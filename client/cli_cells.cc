// The typed cells of infdb-cli's rows and their JSON encoding (the dialect
// in cli_output.h).
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/cli_output.h"

namespace infinitedb::cli {
namespace {

// The length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no
// overlong forms, no surrogates, at most U+10FFFF), or 0.
size_t Utf8SequenceAt(const std::string& text, size_t i) {
  auto byte = [&](size_t k) -> unsigned {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0;
  };
  auto continuation = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  unsigned lead = byte(i);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(i + 1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    unsigned second = byte(i + 1);
    if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F)) {
      return 0;
    }
    return continuation(i + 1) && continuation(i + 2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    unsigned second = byte(i + 1);
    if ((lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) {
      return 0;
    }
    return continuation(i + 1) && continuation(i + 2) && continuation(i + 3)
               ? 4
               : 0;
  }
  return 0;
}

}  // namespace

bool IsValidUtf8(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    size_t length = Utf8SequenceAt(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    size_t length = Utf8SequenceAt(text, i);
    if (length == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out.append(text, i, length);
    }
    i += length;
  }
  return out + "\"";
}

std::string PointText(const v1::Point& point) {
  return absl::StrJoin(point.coordinates(), ",");
}

std::string PointJson(const v1::Point& point) {
  return "[" + PointText(point) + "]";
}

std::string HexEncode(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += absl::StrFormat("%02x", c);
  return out;
}

std::string ValueText(const std::string& value) {
  if (!IsValidUtf8(value)) return "0x" + HexEncode(value);
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return "0x" + HexEncode(value);
  }
  return value;
}

std::string ValueJson(const std::string& bytes) {
  if (IsValidUtf8(bytes)) return "{\"text\":" + JsonString(bytes) + "}";
  return "{\"base64\":\"" + absl::Base64Escape(bytes) + "\"}";
}

Cell TextCell(const std::string& text) { return {text, JsonString(text)}; }

Cell U64Cell(uint64_t value) {
  std::string digits = std::to_string(value);
  return {digits, "\"" + digits + "\""};
}

Cell I64Cell(int64_t value) {
  std::string digits = std::to_string(value);
  return {digits, "\"" + digits + "\""};
}

Cell NumberCell(int64_t value) {
  std::string digits = std::to_string(value);
  return {digits, digits};
}

Cell BoolCell(bool value) {
  return {value ? "true" : "false", value ? "true" : "false"};
}

Cell PointCell(const v1::Point& point) {
  return {PointText(point), PointJson(point)};
}

Cell ValueCell(const std::string& bytes) {
  return {ValueText(bytes), ValueJson(bytes)};
}

Cell TimeCell(int64_t unix_ms) {
  if (unix_ms == 0) return {"-", "null"};
  std::string text =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(unix_ms),
                       absl::UTCTimeZone());
  return {text, JsonString(text)};
}

Cell NullCell(const std::string& text) { return {text, "null"}; }

Cell ListCell(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& item : items) quoted.push_back(JsonString(item));
  return {absl::StrJoin(items, " "), "[" + absl::StrJoin(quoted, ",") + "]"};
}

Cell U64ListCell(const std::vector<uint64_t>& values) {
  std::vector<std::string> quoted;
  for (uint64_t value : values) quoted.push_back(U64Cell(value).json);
  return {absl::StrJoin(values, " "), "[" + absl::StrJoin(quoted, ",") + "]"};
}

std::vector<Cell> RecordCells(const v1::Record& record) {
  return {PointCell(record.point()), ValueCell(record.value()),
          U64Cell(record.stamp().revision())};
}

Cell JsonCell(const std::string& text, const std::string& json) {
  return {text, json};
}

}  // namespace infinitedb::cli
