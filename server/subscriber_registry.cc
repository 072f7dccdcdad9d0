#include "server/subscriber_registry.h"

#include <algorithm>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "engine/io/file.h"
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

SubscriberRegistry::SubscriberRegistry(std::string data_dir,
                                       uint64_t retention_revisions)
    : path_(data_dir + "/replication_subscribers"),
      retention_revisions_(retention_revisions) {}

absl::Status SubscriberRegistry::Load() {
  absl::StatusOr<io::File> file = io::File::Open(path_, /*writable=*/false);
  if (absl::IsNotFound(file.status())) return absl::OkStatus();
  if (!file.ok()) return file.status();
  absl::StatusOr<std::string> contents = file->ReadAll();
  if (!contents.ok()) return contents.status();
  absl::MutexLock lock(&mu_);
  std::vector<std::string> lines =
      absl::StrSplit(*contents, '\n', absl::SkipEmpty());
  for (const std::string& line : lines) {
    size_t space = line.find(' ');
    Revision acked = 0;
    if (space == std::string::npos ||
        !absl::SimpleAtoi(line.substr(0, space), &acked)) {
      return absl::DataLossError(
          absl::StrFormat("%s: malformed line '%s'", path_, line));
    }
    subscribers_[line.substr(space + 1)].acked = acked;
  }
  return absl::OkStatus();
}

Revision SubscriberRegistry::HoldRevision() const {
  Revision hold = std::numeric_limits<Revision>::max();
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, subscriber] : subscribers_) {
      hold = std::min(hold, subscriber.acked + 1);
    }
  }
  Engine* engine = engine_.load();
  if (engine != nullptr && hold != std::numeric_limits<Revision>::max()) {
    Revision current = engine->CurrentRevision();
    if (current > retention_revisions_) {
      hold = std::max(hold, current - retention_revisions_ + 1);
    }
  }
  return hold;
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
  if (subscriber.acked != after) dirty_ = true;
  subscriber.acked = after;
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
      dirty_ = true;
    }
    while (!subscriber.unacked.empty() &&
           subscriber.unacked.front().first <= revision) {
      subscriber.unacked_change_sets -= subscriber.unacked.front().second;
      subscriber.unacked.pop_front();
    }
    subscriber.last_ack = absl::Now();
    persist = dirty_ && absl::Now() - last_persist_ >= absl::Seconds(1);
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
    subscribers_.erase(it);
    dirty_ = true;
  }
  Persist();
  spdlog::info("forgot replication subscriber '{}'", id);
  return absl::OkStatus();
}

void SubscriberRegistry::Persist() {
  // One writer at a time; the registry's lock is held only to copy, so
  // streams are not held up by the fsyncs.
  absl::MutexLock persist_lock(&persist_mu_);
  std::string contents;
  {
    absl::MutexLock lock(&mu_);
    if (!dirty_) return;
    for (const auto& [id, subscriber] : subscribers_) {
      absl::StrAppendFormat(&contents, "%d %s\n", subscriber.acked, id);
    }
    dirty_ = false;
    last_persist_ = absl::Now();
  }
  absl::Status status = WriteFile(contents);
  if (!status.ok()) {
    spdlog::warn("cannot persist replication subscribers: {}",
                 status.ToString());
    absl::MutexLock lock(&mu_);
    dirty_ = true;  // try again next time
  }
}

absl::Status SubscriberRegistry::WriteFile(const std::string& contents) {
  std::string tmp = path_ + ".tmp";
  (void)io::RemoveFile(tmp);  // left by a crash, if any
  absl::StatusOr<io::File> file = io::File::Create(tmp);
  if (!file.ok()) return file.status();
  absl::Status status = file->WriteAt(0, contents);
  if (status.ok()) status = file->Sync();
  if (status.ok()) status = file->Close();
  if (status.ok()) status = io::RenameFile(tmp, path_);
  if (status.ok()) {
    status = io::SyncDirectory(path_.substr(0, path_.rfind('/')));
  }
  return status;
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
