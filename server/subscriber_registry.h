// The source side of replication: every named subscriber of the change
// stream, its open streams, what it still has pending, when it last
// acknowledged and why its last stream failed. Acknowledged revisions go to
// the engine (Engine::SetSubscriberAck), which keeps them durable and holds
// the WAL for them. Thread-safe.
#ifndef INFINITEDB_SERVER_SUBSCRIBER_REGISTRY_H_
#define INFINITEDB_SERVER_SUBSCRIBER_REGISTRY_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/public/engine.h"
#include "infinitedb/v1/replication.pb.h"

namespace infinitedb::server {

class SubscriberRegistry {
 public:
  // Starts with the subscribers whose acknowledgements `engine` stored;
  // `retention_revisions` is the engine's replication retention.
  SubscriberRegistry(Engine* engine, uint64_t retention_revisions);

  // A stream for `id` starts after revision `after` (it has everything up
  // to there).
  void Connected(const std::string& id, const std::string& peer,
                 Revision after);
  // `change_sets` more were sent; the stream has considered the log up to
  // `through` of the source's `current` revision.
  void Sent(const std::string& id, uint64_t change_sets, Revision through,
            Revision current);
  void Acked(const std::string& id, Revision revision);
  // The stream ended; `error` is empty for a normal end.
  void Disconnected(const std::string& id, const std::string& error);
  // Makes the acknowledgements durable if they changed (also done on Acked,
  // at most every second).
  void Persist();
  // Drops subscriber `id` and persists at once. NotFound for an unknown id;
  // FailedPrecondition while a stream under it is open.
  absl::Status Forget(const std::string& id);

  std::vector<v1::SubscriberState> States() const;
  uint64_t retention_revisions() const { return retention_revisions_; }

 private:
  struct Subscriber {
    std::string peer;
    int streams = 0;  // open streams under this id
    Revision acked = 0;
    // Per message sent and not yet acknowledged: its through revision and
    // its number of change sets.
    std::deque<std::pair<Revision, uint64_t>> unacked;
    uint64_t unacked_change_sets = 0;
    Revision through = 0;
    Revision current = 0;
    absl::Time last_ack = absl::InfinitePast();
    std::string last_error;
  };

  Engine* const engine_;
  const uint64_t retention_revisions_;
  mutable absl::Mutex mu_;
  std::map<std::string, Subscriber> subscribers_ ABSL_GUARDED_BY(mu_);
  absl::Time last_persist_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_SUBSCRIBER_REGISTRY_H_
