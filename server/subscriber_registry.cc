#include "server/subscriber_registry.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_format.h"
#include "spdlog/spdlog.h"

namespace infinitedb::server {
namespace {

// Subscribers are named by clients; keep the file one line per name.
std::string SafeId(const std::string& id) {
  std::string safe = id.substr(0, 200);
  std::replace_if(
      safe.begin(), safe.end(),
      [](char c) { return c == '\n' || c == '\r' || c == '\0'; }, '_');
  return safe;
}

}  // namespace

SubscriberRegistry::SubscriberRegistry(Engine* engine,
                                       uint64_t retention_revisions)
    : engine_(engine), retention_revisions_(retention_revisions) {
  absl::MutexLock lock(&mu_);
  for (const auto& [id, acked] : engine_->SubscriberAcks()) {
    subscribers_[id].acked = acked;
  }
}

void SubscriberRegistry::Connected(const std::string& id,
                                   const std::string& peer, Revision after) {
  absl::MutexLock lock(&mu_);
  Subscriber& subscriber = subscribers_[SafeId(id)];
  subscriber.peer = peer;
  ++subscriber.streams;
  subscriber.unacked.clear();
  subscriber.unacked_change_sets = 0;
  subscriber.through = after;
  subscriber.acked = after;
  engine_->SetSubscriberAck(SafeId(id), after);
}

void SubscriberRegistry::Sent(const std::string& id, uint64_t change_sets,
                              Revision through, Revision current) {
  absl::MutexLock lock(&mu_);
  Subscriber& subscriber = subscribers_[SafeId(id)];
  if (change_sets > 0) {
    // A client that never acknowledges must not grow this without bound:
    // merge the oldest messages into one.
    if (subscriber.unacked.size() >= 4096) {
      auto oldest = subscriber.unacked.front();
      subscriber.unacked.pop_front();
      subscriber.unacked.front().second += oldest.second;
    }
    subscriber.unacked.emplace_back(through, change_sets);
    subscriber.unacked_change_sets += change_sets;
  }
  subscriber.through = through;
  subscriber.current = current;
}

void SubscriberRegistry::Acked(const std::string& id, Revision revision) {
  bool persist = false;
  {
    absl::MutexLock lock(&mu_);
    Subscriber& subscriber = subscribers_[SafeId(id)];
    if (revision > subscriber.acked) {
      subscriber.acked = revision;
      engine_->SetSubscriberAck(SafeId(id), revision);
    }
    while (!subscriber.unacked.empty() &&
           subscriber.unacked.front().first <= revision) {
      subscriber.unacked_change_sets -= subscriber.unacked.front().second;
      subscriber.unacked.pop_front();
    }
    subscriber.last_ack = absl::Now();
    persist = absl::Now() - last_persist_ >= absl::Seconds(1);
  }
  if (persist) Persist();
}

void SubscriberRegistry::Disconnected(const std::string& id,
                                      const std::string& error) {
  {
    absl::MutexLock lock(&mu_);
    Subscriber& subscriber = subscribers_[SafeId(id)];
    if (subscriber.streams > 0) --subscriber.streams;
    if (subscriber.streams == 0) {
      subscriber.unacked.clear();
      subscriber.unacked_change_sets = 0;
    }
    if (!error.empty()) subscriber.last_error = error;
  }
  Persist();
}

absl::Status SubscriberRegistry::Forget(const std::string& id) {
  {
    absl::MutexLock lock(&mu_);
    auto it = subscribers_.find(SafeId(id));
    if (it == subscribers_.end()) {
      return absl::NotFoundError(
          absl::StrFormat("subscriber_id: no subscriber '%s'", id));
    }
    if (it->second.streams > 0) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "subscriber_id: '%s' is connected; stop it first", id));
    }
    absl::Status forgotten = engine_->ForgetSubscriberAck(it->first);
    if (!forgotten.ok() && !absl::IsNotFound(forgotten)) return forgotten;
    subscribers_.erase(it);
  }
  spdlog::info("forgot replication subscriber '{}'", id);
  return absl::OkStatus();
}

void SubscriberRegistry::Persist() {
  {
    absl::MutexLock lock(&mu_);
    last_persist_ = absl::Now();
  }
  absl::Status status = engine_->PersistSubscriberAcks();
  if (!status.ok()) {
    spdlog::warn("cannot persist replication subscribers: {}",
                 status.ToString());
  }
}

std::vector<v1::SubscriberState> SubscriberRegistry::States() const {
  std::vector<v1::SubscriberState> states;
  absl::MutexLock lock(&mu_);
  for (const auto& [id, subscriber] : subscribers_) {
    v1::SubscriberState& state = states.emplace_back();
    state.set_subscriber_id(id);
    state.set_connected(subscriber.streams > 0);
    state.set_peer(subscriber.peer);
    state.set_acked_revision(subscriber.acked);
    uint64_t unread =
        subscriber.streams > 0 && subscriber.current > subscriber.through
            ? subscriber.current - subscriber.through
            : 0;
    state.set_pending(subscriber.unacked_change_sets + unread);
    if (subscriber.last_ack != absl::InfinitePast()) {
      state.set_last_ack_unix_ms(absl::ToUnixMillis(subscriber.last_ack));
    }
    state.set_last_error(subscriber.last_error);
  }
  return states;
}

}  // namespace infinitedb::server
