// The pulling side of replication: one PeerReplicator per --peer. Its thread
// subscribes to the peer's change stream after the cursor stored for that
// peer, applies each message with last-writer-wins together with the new
// cursor (Engine::ApplyReplicated: one revision, so a crash neither loses
// nor repeats a change), and acknowledges it. On failure it reconnects with
// exponential backoff and jitter (100 ms doubling, capped at one minute) and
// keeps the reason; when the peer no longer retains the changes it needs
// (OUT_OF_RANGE) it asks for a full copy and continues from it.
#ifndef INFINITEDB_SERVER_PEER_REPLICATOR_H_
#define INFINITEDB_SERVER_PEER_REPLICATOR_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "engine/public/engine.h"
#include "infinitedb/v1/replication.grpc.pb.h"
#include "server/peer_token.h"

namespace infinitedb::server {

class PeerReplicator {
 public:
  // `credentials`: how to dial the peer (plaintext or TLS); `auth`: the
  // user to authenticate as there, and what to call after access-control
  // records arrive (they change who may do what here).
  struct Auth {
    std::string user;
    std::string password;
    std::function<void()> records_arrived;
  };
  PeerReplicator(std::string address, Engine* engine, uint32_t node_id,
                 std::shared_ptr<grpc::ChannelCredentials> credentials,
                 Auth auth);
  ~PeerReplicator();  // Stop()s

  void Start();
  // Asks the thread to stop and cancels its current call; returns at once.
  void RequestStop();
  // RequestStop(), then waits for the thread.
  void Stop();

  v1::SourceState State() const;

 private:
  void Run();
  // One connection, from subscribing to the end of the stream; returns why
  // it ended. Sets *progressed when at least one message was applied.
  absl::Status Session(bool* progressed);
  absl::Status HandleMessage(uint32_t source,
                             const v1::SubscribeResponse& message,
                             Revision* cursor, bool* ack);
  void SetState(const std::string& state);
  void RecordError(const absl::Status& status);

  const std::string address_;
  Engine* const engine_;
  const uint32_t node_id_;
  std::shared_ptr<grpc::Channel> channel_;
  PeerToken token_;  // the thread's
  const std::function<void()> auth_records_arrived_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* active_call_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool need_full_copy_ ABSL_GUARDED_BY(mu_) = false;
  v1::SourceState state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_PEER_REPLICATOR_H_
