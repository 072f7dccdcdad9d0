// The durable catalogue file: recovers the catalogue state on open, rewrites
// it compactly, then appends edits, each fdatasync'ed before it takes effect.
// Not thread-safe: the catalogue serialises calls.
#ifndef INFINITEDB_ENGINE_MANIFEST_MANIFEST_H_
#define INFINITEDB_ENGINE_MANIFEST_MANIFEST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/io/file.h"
#include "engine/manifest/manifest_format.h"
#include "spdlog/logger.h"

namespace infinitedb::manifest {

// The whole of `state` as a fresh, compact manifest file (what Open leaves
// on disk; a backup's MANIFEST).
std::string EncodeCompactManifest(const CatalogState& state);

class Manifest {
 public:
  // Opens (or creates) the manifest of `data_dir` and rewrites it compactly
  // (when the disk is full, it keeps the file as it is instead). A torn last
  // edit is dropped; any other damage is DataLoss naming file and offset.
  // The main branch always exists in the returned state.
  static absl::StatusOr<std::unique_ptr<Manifest>> Open(
      FileSystem* file_system, spdlog::logger* logger,
      const std::string& data_dir);

  const CatalogState& state() const { return state_; }

  // Durably appends `edits` (one write, one fdatasync) and applies them to
  // state(). On failure nothing is applied.
  absl::Status Append(const std::vector<Edit>& edits);

 private:
  Manifest(std::string data_dir, CatalogState state, io::File file)
      : data_dir_(std::move(data_dir)),
        state_(std::move(state)),
        file_(std::move(file)) {}

  const std::string data_dir_;
  CatalogState state_;
  io::File file_;
  uint64_t end_offset_ = 0;
  // Set when a failed append could not be cut off again.
  absl::Status broken_;
};

}  // namespace infinitedb::manifest

#endif  // INFINITEDB_ENGINE_MANIFEST_MANIFEST_H_
