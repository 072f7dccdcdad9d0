#include "client/cli_json_input.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "client/cli_edge_format.h"

namespace infinitedb::cli {

using google::protobuf::Struct;
using google::protobuf::Value;

absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(field + ": " + what);
}

absl::StatusOr<Struct> JsonObjectOf(const std::string& line) {
  Struct object;
  auto parsed = google::protobuf::util::JsonStringToMessage(line, &object);
  if (!parsed.ok()) {
    // The parser's message, up to the excerpt of the line it adds.
    std::string why(parsed.message().data(), parsed.message().size());
    return absl::InvalidArgumentError("not a JSON object: " +
                                      why.substr(0, why.find('\n')));
  }
  return object;
}

absl::StatusOr<std::string> StringOf(const Value& value,
                                     const std::string& field) {
  if (!value.has_string_value()) return Invalid(field, "not a string");
  return value.string_value();
}

absl::StatusOr<std::string> BytesOf(const Value& value,
                                    const std::string& field) {
  if (value.has_string_value()) return value.string_value();
  if (value.has_struct_value() && value.struct_value().fields_size() == 1) {
    const auto& [encoding, content] = *value.struct_value().fields().begin();
    if (encoding == "text" && content.has_string_value()) {
      return content.string_value();
    }
    std::string bytes;
    if (encoding == "base64" && content.has_string_value() &&
        absl::Base64Unescape(content.string_value(), &bytes)) {
      return bytes;
    }
  }
  return Invalid(field,
                 "not a string, {\"text\": \"...\"} or {\"base64\": \"...\"}");
}

absl::StatusOr<v1::Point> PointOf(const Value& value,
                                  const std::string& field) {
  if (value.has_string_value()) {
    absl::StatusOr<v1::Point> point = ParsePoint(value.string_value());
    if (!point.ok())
      return Invalid(field, std::string(point.status().message()));
    return point;
  }
  if (!value.has_list_value())
    return Invalid(field, "not [1,2,3] or \"1,2,3\"");
  v1::Point point;
  for (int i = 0; i < value.list_value().values_size(); ++i) {
    absl::StatusOr<uint32_t> coordinate = IntegerOf<uint32_t>(
        value.list_value().values(i), absl::StrFormat("%s[%d]", field, i));
    if (!coordinate.ok()) return coordinate.status();
    point.add_coordinates(*coordinate);
  }
  return point;
}

}  // namespace infinitedb::cli
