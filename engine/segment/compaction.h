// Merges segments of one space into one new segment, applying the retention
// policy. The inputs stay untouched; the caller records the output in the
// manifest and only then deletes the inputs.
#ifndef INFINITEDB_ENGINE_SEGMENT_COMPACTION_H_
#define INFINITEDB_ENGINE_SEGMENT_COMPACTION_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/segment/retention.h"
#include "engine/segment/segment_reader.h"
#include "engine/segment/segment_writer.h"

namespace infinitedb::segment {

// Writes the merged, retained versions of `inputs` to `path`, its blocks
// compressed with `codec`; nullopt (and no file) when no version is
// retained. `versions_read`, when given, counts the input versions as they
// are read (progress: their total is InputVersions(inputs)).
absl::StatusOr<std::optional<SegmentProperties>> MergeSegments(
    const std::vector<std::shared_ptr<SegmentReader>>& inputs,
    const RetentionPolicy& policy, FileSystem* file_system,
    const std::string& path, uint64_t file_number, uint32_t space_id, int dims,
    BlockCodec codec, std::atomic<uint64_t>* versions_read = nullptr);

// The versions the inputs hold.
uint64_t InputVersions(
    const std::vector<std::shared_ptr<SegmentReader>>& inputs);

}  // namespace infinitedb::segment

#endif  // INFINITEDB_ENGINE_SEGMENT_COMPACTION_H_
