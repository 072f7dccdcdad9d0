// The bounds every write obeys, local or replicated, checked by one piece
// of code: a value of at most max_value_bytes, at most max_batch_mutations
// operations, and at most max_batch_bytes in all (each operation counts its
// value, 4 bytes per coordinate and 16 bytes of overhead). Errors are
// InvalidArgument naming the field.
#ifndef INFINITEDB_ENGINE_COMMIT_WRITE_BOUNDS_H_
#define INFINITEDB_ENGINE_COMMIT_WRITE_BOUNDS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "engine/public/options.h"

namespace infinitedb::commit {

class WriteBounds {
 public:
  // `batch_field` names the operations in errors ("mutations", "ops").
  WriteBounds(const EngineOptions& options, std::string_view batch_field)
      : options_(options), batch_field_(batch_field) {}

  // The number of operations of the batch.
  absl::Status CheckCount(size_t operations) const;
  // One operation: its value and its share of the batch. `value_field`
  // names the value in an error; it is called only then.
  absl::Status Add(absl::FunctionRef<std::string()> value_field,
                   size_t value_bytes, size_t coordinates);

 private:
  const EngineOptions& options_;
  const std::string batch_field_;
  size_t total_bytes_ = 0;
};

}  // namespace infinitedb::commit

#endif  // INFINITEDB_ENGINE_COMMIT_WRITE_BOUNDS_H_
