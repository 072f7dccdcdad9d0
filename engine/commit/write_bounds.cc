#include "engine/commit/write_bounds.h"

#include "absl/strings/str_format.h"

namespace infinitedb::commit {

absl::Status WriteBounds::CheckCount(size_t operations) const {
  if (operations <= options_.max_batch_mutations) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: %d %s exceed the limit of %d", batch_field_, operations,
      batch_field_ == "ops" ? "operations" : "mutations",
      options_.max_batch_mutations));
}

absl::Status WriteBounds::Add(absl::FunctionRef<std::string()> value_field,
                              size_t value_bytes, size_t coordinates) {
  if (value_bytes > options_.max_value_bytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %d bytes exceeds the limit of %d bytes",
                        value_field(), value_bytes, options_.max_value_bytes));
  }
  total_bytes_ += value_bytes + 4 * coordinates + 16;
  if (total_bytes_ > options_.max_batch_bytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: the batch exceeds the limit of %d bytes",
                        batch_field_, options_.max_batch_bytes));
  }
  return absl::OkStatus();
}

}  // namespace infinitedb::commit
