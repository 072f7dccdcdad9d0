#include "engine/db/backup_capture.h"

#include <algorithm>
#include <optional>

#include "engine/graph/edge_id_allocator.h"
#include "engine/manifest/manifest.h"
#include "engine/segment/segment_format.h"
#include "engine/wal/wal_cut.h"
#include "engine/wal/wal_format.h"

namespace infinitedb {
namespace {

class CapturedBackup : public BackupSource {
 public:
  // A file read through its handle, or held in memory.
  struct Part {
    BackupFile file;
    std::optional<File> handle;
    std::string contents;
  };

  Revision revision() const override { return revision_; }
  const std::vector<BackupFile>& files() const override { return files_; }

  absl::StatusOr<std::string> Read(size_t index, uint64_t offset,
                                   size_t size) const override {
    if (index >= parts_.size()) {
      return absl::OutOfRangeError("no such file in the backup");
    }
    const Part& part = parts_[index];
    if (offset >= part.file.size) return std::string();
    size =
        static_cast<size_t>(std::min<uint64_t>(size, part.file.size - offset));
    if (!part.handle) return part.contents.substr(offset, size);
    absl::StatusOr<std::string> bytes = part.handle->ReadAt(offset, size);
    if (bytes.ok() && bytes->size() != size) {
      return absl::DataLossError(part.file.path +
                                 ": shorter than when the backup began");
    }
    return bytes;
  }

  void Add(Part part) {
    files_.push_back(part.file);
    parts_.push_back(std::move(part));
  }

  Revision revision_ = 0;

 private:
  std::vector<BackupFile> files_;
  std::vector<Part> parts_;
};

// What is opened while the files are fixed.
struct Captured {
  Revision revision = 0;
  std::string manifest;
  std::vector<CapturedBackup::Part> segments;
  std::vector<std::pair<uint64_t, File>> wal;  // by segment number
};

absl::Status CaptureFiles(const BackupInputs& inputs, Captured& captured) {
  captured.revision = inputs.versions->visible_revision();
  const manifest::CatalogState state = inputs.versions->catalog().State();
  // A seal covers only revisions already in the WAL.
  captured.revision = std::max(captured.revision, state.sealed_revision);
  captured.manifest = manifest::EncodeCompactManifest(state);
  for (const auto& [number, entry] : state.segments) {
    const std::string path = "segments/" + segment::SegmentFileName(number);
    absl::StatusOr<File> file = inputs.file_system->Open(
        inputs.data_dir + "/" + path, /*writable=*/false);
    if (!file.ok()) return file.status();
    captured.segments.push_back(
        {{path, entry.size_bytes}, std::move(*file), ""});
  }
  Revision floor = 0;
  for (uint64_t number :
       inputs.wal_segments->SegmentsAfter(state.sealed_revision, &floor)) {
    absl::StatusOr<File> file = inputs.wal_segments->OpenForRead(number);
    // Released since (the oldest ones go first, outside the maintenance
    // lock): it held nothing above the seal, and the rest stay contiguous.
    if (absl::IsNotFound(file.status()) && captured.wal.empty()) continue;
    if (!file.ok()) return file.status();
    captured.wal.emplace_back(number, std::move(*file));
  }
  return absl::OkStatus();
}

// Adds the WAL segments up to the one holding the backup's revision, that
// one cut after it.
absl::Status AddWal(Captured& captured, CapturedBackup& backup) {
  for (auto& [number, file] : captured.wal) {
    absl::StatusOr<std::string> data = file.ReadAll();
    if (!data.ok()) return data.status();
    absl::StatusOr<uint64_t> end =
        wal::EndOfRevisions(*data, captured.revision);
    if (!end.ok()) return end.status();
    backup.Add(
        {{"wal/" + wal::SegmentFileName(number), *end}, std::move(file), ""});
    if (*end < data->size()) break;  // later segments hold later revisions
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<BackupSource>> CaptureBackup(
    const BackupInputs& inputs) {
  Captured captured;
  absl::Status status = inputs.maintenance->WhileFilesFixed(
      [&] { return CaptureFiles(inputs, captured); });
  if (!status.ok()) return status;
  auto backup = std::make_unique<CapturedBackup>();
  backup->revision_ = captured.revision;
  backup->Add({{manifest::kManifestFileName, captured.manifest.size()},
               std::nullopt,
               std::move(captured.manifest)});
  for (CapturedBackup::Part& part : captured.segments) {
    backup->Add(std::move(part));
  }
  if (absl::Status s = AddWal(captured, *backup); !s.ok()) return s;
  // Read last: the counters only grow, so they cover every id above.
  const std::string edge_ids = inputs.data_dir + "/" + graph::kEdgeIdsFile;
  if (inputs.file_system->Exists(edge_ids)) {
    absl::StatusOr<File> file =
        inputs.file_system->Open(edge_ids, /*writable=*/false);
    if (!file.ok()) return file.status();
    absl::StatusOr<std::string> contents = file->ReadAll();
    if (!contents.ok()) return contents.status();
    backup->Add({{graph::kEdgeIdsFile, contents->size()},
                 std::nullopt,
                 std::move(*contents)});
  }
  return backup;
}

}  // namespace infinitedb
