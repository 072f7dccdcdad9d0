#include "server/admin_service.h"

#include "server/backup_stream.h"
#include "server/replication_status.h"
#include "server/status_util.h"
#include "server/version.h"

namespace infinitedb::server {

grpc::Status AdminService::Status(grpc::ServerContext* call,
                                  const v1::StatusRequest*,
                                  v1::StatusResponse* response) {
  if (absl::StatusOr<Caller> caller = context_->Identify(*call); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  response->set_node_id(context_->node_id);
  response->set_version(kServerVersion);
  response->set_data_dir(context_->data_dir);
  response->set_durability(context_->durability);
  response->set_uptime_seconds(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::steady_clock::now() - context_->started)
          .count());
  FillReplicationStatus(*context_, response->mutable_subscribers(),
                        response->mutable_sources());
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status AdminService::Stats(grpc::ServerContext* call,
                                 const v1::StatsRequest*,
                                 v1::StatsResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kAdmin, kEverySpace, ""});
      !s.ok()) {
    return s;
  }
  EngineStats s = context_->engine->Stats();
  response->set_revision(s.revision);
  response->set_sealed_revision(s.sealed_revision);
  response->set_history_horizon(s.history_horizon);
  response->set_memtable_bytes(s.memtable_bytes);
  response->set_frozen_memtables(s.frozen_memtables);
  response->set_cache_bytes(s.cache_bytes);
  response->set_cache_blocks(s.cache_blocks);
  response->set_cache_capacity_bytes(s.cache_capacity_bytes);
  response->set_segments(s.segments);
  response->set_segment_bytes(s.segment_bytes);
  response->set_segment_records(s.segment_records);
  response->set_blocks(s.blocks);
  response->set_index_entries(s.index_entries);
  response->set_wal_segments(s.wal_segments);
  response->set_wal_group_writes(s.wal_group_writes);
  response->set_wal_commits(s.wal_commits);
  response->set_wal_bytes_written(s.wal_bytes_written);
  response->set_seals(s.seals);
  response->set_compactions(s.compactions);
  response->set_compaction_versions_total(s.compaction_versions_total);
  response->set_compaction_versions_read(s.compaction_versions_read);
  response->set_graph_cache_bytes(s.graph_cache_bytes);
  response->set_graph_cache_hits(s.graph_cache_hits);
  response->set_graph_cache_misses(s.graph_cache_misses);
  context_->FillHeader(s.revision, response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status AdminService::Flush(grpc::ServerContext* call,
                                 const v1::FlushRequest*,
                                 v1::FlushResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kAdmin, kEverySpace, ""});
      !s.ok()) {
    return s;
  }
  absl::Status status = context_->engine->Flush();
  if (!status.ok()) return ToGrpcStatus(status);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status AdminService::Compact(grpc::ServerContext* call,
                                   const v1::CompactRequest* request,
                                   v1::CompactResponse* response) {
  if (grpc::Status s = context_->Allow(
          call, {Permission::kAdmin,
                 request->space().empty() ? std::string_view(kEverySpace)
                                          : std::string_view(request->space()),
                 ""});
      !s.ok()) {
    return s;
  }
  absl::Status status = context_->engine->Compact(request->space());
  if (!status.ok()) return ToGrpcStatus(status);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status AdminService::Backup(grpc::ServerContext* call,
                                  const v1::BackupRequest* request,
                                  grpc::ServerWriter<v1::BackupChunk>* writer) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kAdmin, kEverySpace, ""});
      !s.ok()) {
    return s;
  }
  return StreamBackup(*context_, call, *request, writer);
}

}  // namespace infinitedb::server
