// Fills the replication part of Admin.Status and Replication.Status: the
// subscribers of this server's change stream and the peers it pulls from.
#ifndef INFINITEDB_SERVER_REPLICATION_STATUS_H_
#define INFINITEDB_SERVER_REPLICATION_STATUS_H_

#include <google/protobuf/repeated_ptr_field.h>

#include "infinitedb/v1/replication.pb.h"
#include "server/service_context.h"

namespace infinitedb::server {

void FillReplicationStatus(
    const ServiceContext& context,
    google::protobuf::RepeatedPtrField<v1::SubscriberState>* subscribers,
    google::protobuf::RepeatedPtrField<v1::SourceState>* sources);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_REPLICATION_STATUS_H_
