#include "client/cli_flags.h"

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {

absl::StatusOr<std::vector<uint32_t>> ParseCoordinates(
    const std::string& text, const std::string& flag) {
  std::vector<uint32_t> values;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    uint32_t value = 0;
    if (!absl::SimpleAtoi(part, &value)) {
      return Usage(
          absl::StrFormat("--%s: '%s' is not a list of uint32", flag, text));
    }
    values.push_back(value);
  }
  return values;
}

absl::StatusOr<std::vector<uint32_t>> RequiredPoint(const Args& args,
                                                    const std::string& flag) {
  std::optional<std::string> text = args.Flag(flag);
  if (!text) return Usage("--" + flag + " is required");
  return ParseCoordinates(*text, flag);
}

absl::Status BoxFlags(const Args& args, v1::Box* box) {
  absl::StatusOr<std::vector<uint32_t>> min = RequiredPoint(args, "min");
  if (!min.ok()) return min.status();
  absl::StatusOr<std::vector<uint32_t>> max = RequiredPoint(args, "max");
  if (!max.ok()) return max.status();
  box->mutable_min()->mutable_coordinates()->Assign(min->begin(), min->end());
  box->mutable_max()->mutable_coordinates()->Assign(max->begin(), max->end());
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Number(const Args& args, const std::string& flag,
                                uint64_t max) {
  std::optional<std::string> text = args.Flag(flag);
  uint64_t value = 0;
  if (text && (!absl::SimpleAtoi(*text, &value) || value > max)) {
    return Usage(absl::StrFormat("--%s: '%s' is not a number from 0 to %d",
                                 flag, *text, max));
  }
  return value;
}

absl::StatusOr<bool> Switch(const Args& args, const std::string& flag) {
  std::optional<std::string> text = args.Flag(flag);
  if (!text || *text == "false") return false;
  if (*text == "true") return true;
  return Usage(
      absl::StrFormat("--%s: '%s' is not true or false (--%s alone "
                      "means true)",
                      flag, *text, flag));
}

absl::StatusOr<std::optional<uint64_t>> IfRevision(const Args& args) {
  if (!args.Flag("if-revision")) return std::optional<uint64_t>();
  absl::StatusOr<uint64_t> revision = Number(args, "if-revision");
  if (!revision.ok()) return revision.status();
  return std::optional<uint64_t>(*revision);
}

absl::StatusOr<std::string> Operand(const Args& args, size_t index,
                                    const std::string& name) {
  if (args.words.size() <= index) return Usage(name + " is required");
  return args.words[index];
}

absl::StatusOr<v1::ReadOptions> ReadFlags(const Args& args) {
  v1::ReadOptions read;
  read.set_branch(args.Flag("branch").value_or(""));
  absl::StatusOr<uint64_t> as_of = Number(args, "as-of");
  if (!as_of.ok()) return as_of.status();
  read.set_as_of(*as_of);
  return read;
}

absl::StatusOr<std::string> CursorFlag(const Args& args) {
  std::optional<std::string> cursor = args.Flag("cursor");
  if (!cursor) return std::string();
  if (cursor->size() % 2 != 0) return Usage("--cursor: not hex");
  std::string bytes;
  for (size_t i = 0; i + 1 < cursor->size(); i += 2) {
    int byte = 0;
    if (std::sscanf(cursor->c_str() + i, "%2x", &byte) != 1) {
      return Usage("--cursor: not hex");
    }
    bytes.push_back(static_cast<char>(byte));
  }
  return bytes;
}

}  // namespace infinitedb::cli
