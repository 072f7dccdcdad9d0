// What every service handler needs: the engine, this node's identity for
// response headers, the replication state and the cursor seal.
#ifndef INFINITEDB_SERVER_SERVICE_CONTEXT_H_
#define INFINITEDB_SERVER_SERVICE_CONTEXT_H_

#include <chrono>
#include <string>
#include <vector>

#include "engine/public/engine.h"
#include "infinitedb/v1/common.pb.h"
#include "server/cursor_seal.h"
#include "server/peer_replicator.h"
#include "server/subscriber_registry.h"

namespace infinitedb::server {

struct ServiceContext {
  Engine* engine = nullptr;
  uint32_t node_id = 0;
  std::string data_dir;
  std::string durability;
  std::chrono::steady_clock::time_point started;
  SubscriberRegistry* subscribers = nullptr;
  std::vector<const PeerReplicator*> sources;  // one per --peer
  const CursorSeal* cursors = nullptr;         // seals every cursor handed out

  void FillHeader(Revision revision, v1::ResponseHeader* header) const {
    header->set_revision(revision);
    header->set_node_id(node_id);
  }
  // For writes and catalogue calls: the newest revision after the call.
  void FillHeader(v1::ResponseHeader* header) const {
    FillHeader(engine->CurrentRevision(), header);
  }
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_SERVICE_CONTEXT_H_
