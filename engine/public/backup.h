// A consistent copy of an engine's data directory at one revision, read
// while writes go on (Engine::BeginBackup): the files a data directory
// needs to open at that revision, each with its final size.
//
//   MANIFEST              the catalogue at the backup, written compactly
//   segments/NNNNNN.seg   every segment file it names, whole
//   wal/NNNNNN.log        the WAL segments above its sealed revision, the
//                         last one cut after the backup's revision
//   EDGE_IDS              the edge id counters (when the graph was used)
//
// Files the engine may delete meanwhile (compaction, WAL release) stay
// readable until the backup is destroyed. Left out: LOCK, SUBSCRIBERS
// (acknowledgements of this server's subscribers) and the server's own
// files (cursor.key, tls/).
#ifndef INFINITEDB_ENGINE_PUBLIC_BACKUP_H_
#define INFINITEDB_ENGINE_PUBLIC_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/types.h"

namespace infinitedb {

struct BackupOptions {
  // Seal the memtables first, so that little WAL goes into the backup.
  bool seal_first = true;
};

struct BackupFile {
  std::string path;  // relative to the data directory, '/'-separated
  uint64_t size = 0;
};

class BackupSource {
 public:
  virtual ~BackupSource() = default;

  // Every revision <= this is in the backup, and nothing above it.
  virtual Revision revision() const = 0;
  virtual const std::vector<BackupFile>& files() const = 0;
  // Up to `size` bytes of files()[index] from `offset` (fewer only at its
  // end).
  virtual absl::StatusOr<std::string> Read(size_t index, uint64_t offset,
                                           size_t size) const = 0;
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_PUBLIC_BACKUP_H_
