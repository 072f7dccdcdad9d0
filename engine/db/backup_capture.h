// Engine::BeginBackup's capture: with the segment files fixed (no seal,
// compaction or drop running), the visible revision and the catalogue are
// read together, every file the backup needs is opened (so that a later
// compaction or WAL release cannot take it away), and the WAL is cut after
// the backup's revision. The files are then read through those handles
// while writes go on. The layout of the result is engine/public/backup.h.
#ifndef INFINITEDB_ENGINE_DB_BACKUP_CAPTURE_H_
#define INFINITEDB_ENGINE_DB_BACKUP_CAPTURE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/db/maintenance.h"
#include "engine/public/backup.h"
#include "engine/version/version_set.h"
#include "engine/wal/wal_segment_set.h"

namespace infinitedb {

struct BackupInputs {
  FileSystem* file_system = nullptr;
  std::string data_dir;
  version::VersionSet* versions = nullptr;
  wal::WalSegmentSet* wal_segments = nullptr;
  Maintenance* maintenance = nullptr;
};

absl::StatusOr<std::unique_ptr<BackupSource>> CaptureBackup(
    const BackupInputs& inputs);

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_BACKUP_CAPTURE_H_
