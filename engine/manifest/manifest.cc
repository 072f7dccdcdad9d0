#include "engine/manifest/manifest.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/common/frame_log.h"

namespace infinitedb::manifest {

namespace {

constexpr char kLabel[] = "manifest";

// Every edit of `contents` (the file at `path`) applied in order; a torn
// last edit is dropped (its fdatasync never returned, so it never took
// effect).
absl::StatusOr<CatalogState> ReplayEdits(std::string_view contents,
                                         const std::string& path,
                                         spdlog::logger* logger,
                                         framing::LogReplay* replay) {
  CatalogState state;
  absl::StatusOr<framing::LogReplay> replayed = framing::ReplayLog(
      contents, kLabel, path, /*tail_may_be_torn=*/true,
      [&](const framing::ParsedFrame& frame, size_t offset) -> absl::Status {
        absl::Status status = ApplyEdit(frame.type, frame.payload, &state);
        if (status.ok()) return status;
        return framing::LogCorruption(kLabel, path, offset,
                                      std::string(status.message()));
      });
  if (!replayed.ok()) return replayed.status();
  if (replayed->torn_bytes > 0) {
    logger->warn("manifest {}: dropping a torn last edit at offset {}", path,
                 replayed->valid_bytes);
  }
  *replay = std::move(*replayed);
  return state;
}

}  // namespace

std::string EncodeCompactManifest(const CatalogState& state) {
  std::string contents;
  auto append = [&contents](const Edit& edit) {
    framing::AppendFrame(&contents, edit.type, edit.payload);
  };
  append(CountersEdit(state));
  for (const auto& [id, branch] : state.branches) {
    append(BranchCreatedEdit(branch));
  }
  for (const auto& [id, head] : state.branch_heads) {
    append(BranchHeadEdit(id, head));
  }
  for (const auto& [id, space] : state.spaces) append(SpaceCreatedEdit(space));
  for (const auto& [number, segment] : state.segments) {
    append(SegmentAddedEdit(segment));
  }
  append(SealedEdit(state.sealed_revision, state.next_file_number));
  append(HistoryHorizonEdit(state.history_horizon));
  append(HlcFloorEdit(state.hlc_floor));
  return contents;
}

absl::StatusOr<std::unique_ptr<Manifest>> Manifest::Open(
    FileSystem* file_system, spdlog::logger* logger,
    const std::string& data_dir) {
  const std::string path = data_dir + "/" + kManifestFileName;
  std::string contents;
  bool exists = file_system->Exists(path);
  if (exists) {
    absl::StatusOr<io::File> file = file_system->Open(path, /*writable=*/false);
    if (!file.ok()) return file.status();
    absl::StatusOr<std::string> data = file->ReadAll();
    if (!data.ok()) return data.status();
    contents = std::move(*data);
  }
  framing::LogReplay replay;
  absl::StatusOr<CatalogState> state =
      ReplayEdits(contents, path, logger, &replay);
  if (!state.ok()) return state.status();
  if (!state->branches.contains(kMainBranchId)) {
    state->branches[kMainBranchId] =
        BranchEntry{kMainBranchId, 0, 0, kMainBranch};
  }
  // Rewrite the file compactly. That needs free space; on a full disk the
  // existing file (its torn tail cut off) serves as it is, so that a full
  // disk never stops the database from opening.
  absl::Status rewritten = io::WriteFileAtomically(
      file_system, data_dir, kManifestFileName, EncodeCompactManifest(*state));
  if (!rewritten.ok()) {
    if (!exists || !absl::IsResourceExhausted(rewritten)) return rewritten;
    logger->warn("manifest {}: not rewritten ({}); appending to it as it is",
                 path, rewritten.ToString());
  }
  absl::StatusOr<io::File> file = file_system->Open(path, /*writable=*/true);
  if (!file.ok()) return file.status();
  if (!rewritten.ok() && replay.torn_bytes > 0) {
    absl::Status status = file->Truncate(replay.valid_bytes);
    if (status.ok()) status = file->DataSync();
    if (!status.ok()) return status;
  }
  absl::StatusOr<uint64_t> size = file->Size();
  if (!size.ok()) return size.status();
  std::unique_ptr<Manifest> manifest(
      new Manifest(data_dir, std::move(*state), std::move(*file)));
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
  if (!broken_.ok()) return broken_;
  absl::Status status = file_.WriteAt(end_offset_, frames);
  if (status.ok()) status = file_.DataSync();
  if (!status.ok()) {
    // Cut off whatever part of the edits reached the file, durably: a
    // refused edit must not come back after a crash.
    absl::Status cut = file_.Truncate(end_offset_);
    if (cut.ok()) cut = file_.DataSync();
    if (!cut.ok()) {
      broken_ = absl::Status(
          status.code(),
          absl::StrCat(status.message(),
                       "; the manifest could not be cut back to its last "
                       "edit, so catalogue changes are refused until the "
                       "database is reopened"));
      return broken_;
    }
    return status;
  }
  end_offset_ += frames.size();
  state_ = std::move(next);
  return absl::OkStatus();
}

}  // namespace infinitedb::manifest
