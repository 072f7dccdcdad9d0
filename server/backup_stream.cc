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

}  // namespace

grpc::Status StreamBackup(const ServiceContext& service,
                          grpc::ServerContext* call,
                          grpc::ServerWriter<v1::BackupChunk>* writer) {
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
  for (size_t i = 0; status.ok() && i < backup.files().size(); ++i) {
    const BackupFile& file = backup.files()[i];
    status = archive.BeginFile({file.path, file.size});
    for (uint64_t offset = 0; status.ok() && offset < file.size;) {
      absl::StatusOr<std::string> bytes = backup.Read(i, offset, kChunkBytes);
      if (!bytes.ok()) {
        status = bytes.status();
        break;
      }
      offset += bytes->size();
      status = archive.Append(*bytes);
    }
    if (status.ok()) status = archive.EndFile();
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
  spdlog::info("backup at revision {}: {} files, {} bytes", backup.revision(),
               backup.files().size(), total);
  return grpc::Status::OK;
}

}  // namespace infinitedb::server
