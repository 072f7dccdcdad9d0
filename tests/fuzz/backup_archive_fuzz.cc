// Fuzz target: a backup file's bytes (engine/public/backup_archive.h) read
// as `snapshot status` and --restore-from read one: the header, every file
// with its checksum, the trailer.
#include <cstdint>
#include <sstream>
#include <string>

#include "engine/public/backup_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  infinitedb::BackupArchiveReader reader(in);
  if (!reader.ReadHeader().ok()) return 0;
  infinitedb::BackupFileHeader file;
  for (int files = 0; files < 10'000; ++files) {
    auto more = reader.NextFile(
        &file, [](std::string_view) { return absl::OkStatus(); });
    if (!more.ok() || !*more) break;
  }
  return 0;
}
