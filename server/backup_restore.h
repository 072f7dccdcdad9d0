// infdb-server --restore-from FILE --data-dir DIR: checks a backup file
// (engine/public/backup_archive.h) whole and writes its files into DIR,
// which must be missing or empty. The files are written into a staging
// directory beside DIR and moved into place only when every checksum has
// matched and every file is durable, so a damaged or cut file leaves DIR as
// it was. Starting a server on DIR then replays the backup's WAL. An
// incremental backup takes the files it marks "in the base" from its
// bases (backup_chain.h).
#ifndef INFINITEDB_SERVER_BACKUP_RESTORE_H_
#define INFINITEDB_SERVER_BACKUP_RESTORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/backup_archive.h"

namespace infinitedb::server {

// The backup's header once DIR holds it; DataLoss naming what is wrong
// with a damaged file, FailedPrecondition for a DIR that is not empty or an
// incremental backup without its bases (`bases`: the full backup, then
// each incremental one up to the one before `backup_file`).
absl::StatusOr<BackupHeader> RestoreBackup(
    const std::string& backup_file, const std::vector<std::string>& bases,
    const std::string& data_dir);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_BACKUP_RESTORE_H_
