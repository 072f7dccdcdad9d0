// Admin.Backup: streams a backup file (engine/public/backup_archive.h) of
// the engine at its current revision while writes go on. Its info text
// lists the spaces with their record counts on main, the edge count and
// the branches at the backup's revision. With a base (an incremental
// backup), segment files the base holds unchanged go in without bytes.
#ifndef INFINITEDB_SERVER_BACKUP_STREAM_H_
#define INFINITEDB_SERVER_BACKUP_STREAM_H_

#include <grpcpp/grpcpp.h>

#include "infinitedb/v1/admin.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

grpc::Status StreamBackup(const ServiceContext& service,
                          grpc::ServerContext* call,
                          const v1::BackupRequest& request,
                          grpc::ServerWriter<v1::BackupChunk>* writer);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_BACKUP_STREAM_H_
