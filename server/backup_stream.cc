#include "server/backup_stream.h"

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "engine/public/backup_archive.h"
#include "server/status_util.h"
#include "spdlog/spdlog.h"

namespace infinitedb::server {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

// Records live on main at `revision` in `space` (0 when it cannot count).
uint64_t CountAt(Engine& engine, const std::string& space, Revision revision) {
  QueryRequest count;
  count.space = space;
  count.as_of = revision;
  absl::StatusOr<QueryResult> result = engine.Count(count);
  return result.ok() ? result->count : 0;
}

// What `snapshot status` shows of the backup.
std::string BackupInfo(Engine& engine, Revision revision) {
  std::string info;
  for (const SpaceInfo& space : engine.ListSpaces()) {
    absl::StrAppendFormat(&info, "space: %s %d %d\n", space.name, space.dims,
                          CountAt(engine, space.name, revision));
  }
  absl::StrAppendFormat(&info, "edges: %d\n",
                        CountAt(engine, kGraphEdgesSpace, revision));
  for (const BranchInfo& branch : engine.ListBranches()) {
    absl::StrAppendFormat(&info, "branch: %s %s\n", branch.name,
                          branch.parent.empty() ? "-" : branch.parent);
  }
  return info;
}

// The SHA-256 of files()[index], read a chunk at a time.
absl::StatusOr<std::string> FileSha256(const BackupSource& backup,
                                       size_t index) {
  BackupDigest digest;
  const uint64_t size = backup.files()[index].size;
  for (uint64_t offset = 0; offset < size;) {
    absl::StatusOr<std::string> bytes = backup.Read(index, offset, kChunkBytes);
    if (!bytes.ok()) return bytes.status();
    digest.Add(*bytes);
    offset += bytes->size();
  }
  return digest.Finish();
}

// Whether files()[index] is a segment file the base holds with the same
// bytes (segment files never change once written; the digest makes sure).
absl::StatusOr<bool> InBase(const BackupSource& backup, size_t index,
                            const v1::BackupRequest& request,
                            std::string* sha256) {
  const BackupFile& file = backup.files()[index];
  if (file.path.rfind("segments/", 0) != 0) return false;
  for (const v1::BackupBaseFile& base : request.base_files()) {
    if (base.path() != file.path || base.size() != file.size) continue;
    absl::StatusOr<std::string> digest = FileSha256(backup, index);
    if (!digest.ok()) return digest.status();
    *sha256 = std::move(*digest);
    return *sha256 == base.sha256();
  }
  return false;
}

// Writes files()[index] into `archive`: its bytes, or a reference to the
// base.
absl::Status AddFile(const BackupSource& backup, size_t index,
                     const v1::BackupRequest& request,
                     BackupArchiveWriter& archive, uint64_t* sent_bytes) {
  const BackupFile& file = backup.files()[index];
  std::string sha256;
  absl::StatusOr<bool> in_base = InBase(backup, index, request, &sha256);
  if (!in_base.ok()) return in_base.status();
  if (*in_base) {
    return archive.AddBaseFile({file.path, file.size, true, sha256, 0});
  }
  absl::Status status = archive.BeginFile({file.path, file.size});
  for (uint64_t offset = 0; status.ok() && offset < file.size;) {
    absl::StatusOr<std::string> bytes = backup.Read(index, offset, kChunkBytes);
    if (!bytes.ok()) return bytes.status();
    offset += bytes->size();
    *sent_bytes += bytes->size();
    status = archive.Append(*bytes);
  }
  return status.ok() ? archive.EndFile() : status;
}

}  // namespace

grpc::Status StreamBackup(const ServiceContext& service,
                          grpc::ServerContext* call,
                          const v1::BackupRequest& request,
                          grpc::ServerWriter<v1::BackupChunk>* writer) {
  if (!request.base_digest().empty() && request.base_digest().size() != 32) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "base_digest: a SHA-256, 32 bytes");
  }
  Engine& engine = *service.engine;
  absl::StatusOr<std::unique_ptr<BackupSource>> source =
      engine.BeginBackup(BackupOptions());
  if (!source.ok()) return ToGrpcStatus(source.status());
  const BackupSource& backup = **source;
  BackupHeader header;
  header.revision = backup.revision();
  header.node_id = service.node_id;
  header.created_unix_ms = absl::ToUnixMillis(absl::Now());
  header.file_count = static_cast<uint32_t>(backup.files().size());
  header.info = BackupInfo(engine, backup.revision());
  header.base_revision = request.base_revision();
  header.base_digest = request.base_digest();
  uint64_t total = 0;
  for (const BackupFile& file : backup.files()) total += file.size;

  v1::BackupChunk chunk;
  chunk.set_revision(backup.revision());
  chunk.set_total_bytes(total);  // about: the framing adds a little
  auto send = [&] {
    const bool sent = !call->IsCancelled() && writer->Write(chunk);
    chunk.Clear();
    return sent;
  };
  BackupArchiveWriter archive([&](std::string_view bytes) {
    chunk.mutable_data()->append(bytes);
    return chunk.data().size() < kChunkBytes || send();
  });
  absl::Status status = archive.Begin(header);
  uint64_t sent = 0;
  for (size_t i = 0; status.ok() && i < backup.files().size(); ++i) {
    status = AddFile(backup, i, request, archive, &sent);
  }
  if (status.ok()) status = archive.Finish();
  if (status.ok() && !chunk.data().empty() && !send()) {
    status = absl::CancelledError("the client went away");
  }
  if (!status.ok()) {
    spdlog::warn("backup at revision {} failed: {}", backup.revision(),
                 status.ToString());
    return ToGrpcStatus(status);
  }
  spdlog::info("backup at revision {}: {} files, {} of their {} bytes sent{}",
               backup.revision(), backup.files().size(), sent, total,
               request.base_digest().empty() ? "" : " (incremental)");
  return grpc::Status::OK;
}

}  // namespace infinitedb::server
