// Reading infdb-cli's JSON-lines input (edge import, record import): the
// members of one line's object, in the dialect the CLI prints
// (cli_output.h): integers as numbers or decimal strings, points as
// [1,2,3] (or "1,2,3"), values as {"text": ...} or {"base64": ...} (or a
// plain string). Errors are InvalidArgument naming the member.
#ifndef INFINITEDB_CLIENT_CLI_JSON_INPUT_H_
#define INFINITEDB_CLIENT_CLI_JSON_INPUT_H_

#include <google/protobuf/struct.pb.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "infinitedb/v1/common.pb.h"

namespace infinitedb::cli {

// InvalidArgument "field: what".
absl::Status Invalid(const std::string& field, const std::string& what);

// A line of JSON as an object.
absl::StatusOr<google::protobuf::Struct> JsonObjectOf(const std::string& line);

// A JSON number or decimal string as an integer of type Int, in its range.
template <typename Int>
absl::StatusOr<Int> IntegerOf(const google::protobuf::Value& value,
                              const std::string& field) {
  Int out = 0;
  if (value.has_string_value()) {
    if (absl::SimpleAtoi(value.string_value(), &out)) return out;
  } else if (value.has_number_value()) {
    double number = value.number_value();
    // Doubles hold integers exactly up to 2^53: larger ones go as strings.
    if (std::floor(number) == number &&
        std::fabs(number) <= 9007199254740992.0 &&
        number >= static_cast<double>(std::numeric_limits<Int>::min()) &&
        number <= static_cast<double>(std::numeric_limits<Int>::max())) {
      return static_cast<Int>(number);
    }
  }
  return Invalid(field,
                 "not an integer in range (give numbers above 2^53 "
                 "as strings)");
}

absl::StatusOr<std::string> StringOf(const google::protobuf::Value& value,
                                     const std::string& field);
// A value's bytes: {"text": ...}, {"base64": ...} or a plain string.
absl::StatusOr<std::string> BytesOf(const google::protobuf::Value& value,
                                    const std::string& field);
// [1,2,3] or "1,2,3".
absl::StatusOr<v1::Point> PointOf(const google::protobuf::Value& value,
                                  const std::string& field);

}  // namespace infinitedb::cli

#endif  // INFINITEDB_CLIENT_CLI_JSON_INPUT_H_
