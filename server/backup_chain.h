// The base backups an incremental backup builds on (--restore-base, full
// one first): each is read whole and checked (its checksums, and that it
// builds on the one before), and every file is located (which backup holds
// its bytes, and where), so that a restore can copy a file the newest
// backup marks "in the base" from there.
#ifndef INFINITEDB_SERVER_BACKUP_CHAIN_H_
#define INFINITEDB_SERVER_BACKUP_CHAIN_H_

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/backup_archive.h"

namespace infinitedb::server {

class BackupChain {
 public:
  // Reads and checks `files` in order. DataLoss naming the file and the
  // fault; FailedPrecondition when one does not build on the one before.
  static absl::StatusOr<std::unique_ptr<BackupChain>> Open(
      const std::vector<std::string>& files);

  // The whole-file digest and revision of the newest backup of the chain
  // (what the backup being restored must name as its base).
  const std::string& digest() const { return digest_; }
  uint64_t revision() const { return revision_; }

  // Writes the bytes of `file` (an "in the base" entry) to `fd`, checking
  // them against file.sha256; DataLoss when the chain lacks it.
  absl::Status CopyTo(const BackupFileHeader& file, int fd);

 private:
  struct Location {
    size_t backup = 0;  // index into streams_
    uint64_t offset = 0;
    uint64_t size = 0;
    std::string sha256;
  };
  absl::Status Index(size_t backup, const std::string& name);

  std::vector<std::string> names_;
  std::vector<std::unique_ptr<std::ifstream>> streams_;
  std::map<std::string, Location> files_;
  std::string digest_;
  uint64_t revision_ = 0;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_BACKUP_CHAIN_H_
