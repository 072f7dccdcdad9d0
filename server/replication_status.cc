#include "server/replication_status.h"

namespace infinitedb::server {

void FillReplicationStatus(
    const ServiceContext& context,
    google::protobuf::RepeatedPtrField<v1::SubscriberState>* subscribers,
    google::protobuf::RepeatedPtrField<v1::SourceState>* sources) {
  if (context.subscribers != nullptr) {
    for (v1::SubscriberState& state : context.subscribers->States()) {
      *subscribers->Add() = std::move(state);
    }
  }
  for (const PeerReplicator* source : context.sources) {
    *sources->Add() = source->State();
  }
}

}  // namespace infinitedb::server
