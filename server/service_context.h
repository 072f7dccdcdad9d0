// What every service handler needs: the engine, this node's identity for
// response headers, the replication state, the cursor seal, and who the
// caller is and what they may do (call_auth.h).
#ifndef INFINITEDB_SERVER_SERVICE_CONTEXT_H_
#define INFINITEDB_SERVER_SERVICE_CONTEXT_H_

#include <chrono>
#include <string>
#include <vector>

#include "engine/public/engine.h"
#include "infinitedb/v1/common.pb.h"
#include "server/call_auth.h"
#include "server/cursor_seal.h"
#include "server/peer_replicator.h"
#include "server/status_util.h"
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
  const CallAuth* auth = nullptr;              // null: every call is allowed

  // The caller: Unauthenticated when auth is on and it sent no credentials.
  absl::StatusOr<Caller> Identify(const grpc::ServerContext& call) const {
    if (auth == nullptr) return Caller{};
    return auth->Identify(call);
  }
  // OK when the caller may: else the status to answer.
  grpc::Status Allow(const grpc::ServerContext* call, const Need& need) const {
    if (auth == nullptr) return grpc::Status::OK;
    return ToGrpcStatus(auth->Allow(*call, need).status());
  }
  // The same, with a caller already identified.
  grpc::Status Require(const Caller& caller, const Need& need,
                       const grpc::ServerContext* call) const {
    if (auth == nullptr) return grpc::Status::OK;
    return ToGrpcStatus(auth->Require(caller, need, *call));
  }

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
