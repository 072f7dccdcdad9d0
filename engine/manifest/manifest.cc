#include "engine/manifest/manifest.h"

#include "absl/strings/str_format.h"
#include "engine/common/framing.h"
#include "spdlog/spdlog.h"

namespace infinitedb::manifest {

absl::StatusOr<CatalogState> Manifest::Recover(const std::string& path) {
  CatalogState state;
  if (!io::FileExists(path)) return state;
  absl::StatusOr<io::File> file = io::File::Open(path, /*writable=*/false);
  if (!file.ok()) return file.status();
  absl::StatusOr<std::string> data = file->ReadAll();
  if (!data.ok()) return data.status();
  size_t offset = 0;
  while (true) {
    framing::ParsedFrame frame;
    framing::ParseResult parsed = framing::ParseFrame(*data, offset, &frame);
    if (parsed == framing::ParseResult::kEndOfData) break;
    if (parsed != framing::ParseResult::kOk) {
      if (framing::AnyValidFrameAfter(*data, offset)) {
        return absl::DataLossError(absl::StrFormat(
            "manifest corrupted in %s at offset %d", path, offset));
      }
      // An edit whose fdatasync never returned: it never took effect.
      spdlog::warn("manifest {}: dropping a torn last edit at offset {}", path,
                   offset);
      break;
    }
    absl::Status status = ApplyEdit(frame.type, frame.payload, &state);
    if (!status.ok()) {
      return absl::DataLossError(
          absl::StrFormat("manifest corrupted in %s at offset %d: %s", path,
                          offset, status.message()));
    }
    offset += frame.frame_bytes;
  }
  return state;
}

absl::StatusOr<io::File> Manifest::Rewrite(const std::string& data_dir,
                                           const CatalogState& state) {
  std::string contents;
  auto append = [&contents](const Edit& edit) {
    framing::AppendFrame(&contents, edit.type, edit.payload);
  };
  append(CountersEdit(state));
  for (const auto& [id, branch] : state.branches) {
    append(BranchCreatedEdit(branch));
  }
  for (const auto& [id, space] : state.spaces) append(SpaceCreatedEdit(space));
  for (const auto& [number, segment] : state.segments) {
    append(SegmentAddedEdit(segment));
  }
  append(SealedEdit(state.sealed_revision, state.next_file_number));
  append(HistoryHorizonEdit(state.history_horizon));
  append(HlcFloorEdit(state.hlc_floor));

  std::string temp_path = data_dir + "/" + kManifestTempFileName;
  std::string path = data_dir + "/" + kManifestFileName;
  absl::Status status = io::RemoveFile(temp_path);
  if (!status.ok()) return status;
  absl::StatusOr<io::File> file = io::File::Create(temp_path);
  if (!file.ok()) return file.status();
  status = file->WriteAt(0, contents);
  if (status.ok()) status = file->Sync();
  if (status.ok()) status = io::RenameFile(temp_path, path);
  if (status.ok()) status = io::SyncDirectory(data_dir);
  if (!status.ok()) return status;
  return io::File::Open(path, /*writable=*/true);
}

absl::StatusOr<std::unique_ptr<Manifest>> Manifest::Open(
    const std::string& data_dir) {
  absl::StatusOr<CatalogState> state =
      Recover(data_dir + "/" + kManifestFileName);
  if (!state.ok()) return state.status();
  if (!state->branches.contains(kMainBranchId)) {
    state->branches[kMainBranchId] =
        BranchEntry{kMainBranchId, 0, 0, kMainBranch};
  }
  absl::StatusOr<io::File> file = Rewrite(data_dir, *state);
  if (!file.ok()) return file.status();
  std::unique_ptr<Manifest> manifest(
      new Manifest(data_dir, std::move(*state), std::move(*file)));
  absl::StatusOr<uint64_t> size = manifest->file_.Size();
  if (!size.ok()) return size.status();
  manifest->end_offset_ = *size;
  return manifest;
}

absl::Status Manifest::Append(const std::vector<Edit>& edits) {
  std::string frames;
  CatalogState next = state_;
  for (const Edit& edit : edits) {
    framing::AppendFrame(&frames, edit.type, edit.payload);
    absl::Status status = ApplyEdit(edit.type, edit.payload, &next);
    if (!status.ok()) return status;
  }
  absl::Status status = file_.WriteAt(end_offset_, frames);
  if (status.ok()) status = file_.DataSync();
  if (!status.ok()) {
    // Cut off whatever part of the edits reached the file.
    (void)file_.Truncate(end_offset_);
    return status;
  }
  end_offset_ += frames.size();
  state_ = std::move(next);
  return absl::OkStatus();
}

}  // namespace infinitedb::manifest
