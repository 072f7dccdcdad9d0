#include "server/peer_replicator.h"

#include <algorithm>
#include <random>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "infinitedb/v1/admin.grpc.pb.h"
#include "server/proto_convert.h"
#include "spdlog/spdlog.h"

namespace infinitedb::server {
namespace {

constexpr absl::Duration kFirstRetryDelay = absl::Milliseconds(100);
constexpr absl::Duration kMaxRetryDelay = absl::Minutes(1);
constexpr auto kStatusDeadline = std::chrono::seconds(5);
// A change set may be as large as a batch (64 MiB by default).
constexpr int kMaxMessageBytes = 256 << 20;

int64_t NowUnixMs() { return absl::ToUnixMillis(absl::Now()); }

// A stream with no message for this long is taken as broken.
constexpr absl::Duration kSilentStreamAfter = absl::Seconds(5);

// Cancels a stream that has been silent for kSilentStreamAfter: a link that
// is down, or a proxy that stalls, leaves a Read blocked for good otherwise
// (TCP notices nothing until it sends).
class SilenceWatch {
 public:
  explicit SilenceWatch(grpc::ClientContext& call)
      : thread_([this, &call] { Watch(call); }) {}
  ~SilenceWatch() { Stop(); }

  // A message arrived: the silence starts again.
  void Heard() {
    absl::MutexLock lock(&mu_);
    last_heard_ = absl::Now();
    busy_ = false;
  }
  // This side is applying a message: not the source's silence (the watch
  // waits until the next Heard).
  void Busy() {
    absl::MutexLock lock(&mu_);
    busy_ = true;
  }
  // Ends the watch; true when it cancelled the stream for its silence.
  bool Stop() {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
    }
    if (thread_.joinable()) thread_.join();
    absl::MutexLock lock(&mu_);
    return silent_;
  }

 private:
  void Watch(grpc::ClientContext& call) {
    absl::MutexLock lock(&mu_);
    while (!done_) {
      if (busy_) {
        mu_.Await(absl::Condition(this, &SilenceWatch::DoneOrIdle));
        continue;
      }
      const absl::Time due = last_heard_ + kSilentStreamAfter;
      if (absl::Now() >= due) {
        silent_ = true;
        call.TryCancel();
        return;
      }
      mu_.AwaitWithDeadline(absl::Condition(&done_), due);
    }
  }

  bool DoneOrIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return done_ || !busy_;
  }

  absl::Mutex mu_;
  absl::Time last_heard_ ABSL_GUARDED_BY(mu_) = absl::Now();
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool silent_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts after the fields it reads
};

absl::Status FromGrpc(const grpc::Status& status, std::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrFormat("%s: %s", what, status.error_message()));
}

}  // namespace

PeerReplicator::PeerReplicator(
    std::string address, Engine* engine, uint32_t node_id,
    std::shared_ptr<grpc::ChannelCredentials> credentials, Auth auth)
    : address_(std::move(address)),
      engine_(engine),
      node_id_(node_id),
      token_(std::move(auth.user), std::move(auth.password)),
      auth_records_arrived_(std::move(auth.records_arrived)) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  // Reconnect promptly after the peer restarts; Run() does its own backoff.
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  channel_ = grpc::CreateCustomChannel(address_, credentials, arguments);
  absl::MutexLock lock(&mu_);
  state_.set_address(address_);
  state_.set_state("connecting");
}

PeerReplicator::~PeerReplicator() { Stop(); }

void PeerReplicator::Start() {
  thread_ = std::thread([this] { Run(); });
}

void PeerReplicator::RequestStop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  if (active_call_ != nullptr) active_call_->TryCancel();
}

void PeerReplicator::Stop() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

v1::SourceState PeerReplicator::State() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

void PeerReplicator::SetState(const std::string& state) {
  absl::MutexLock lock(&mu_);
  state_.set_state(state);
}

void PeerReplicator::RecordError(const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  state_.set_last_error(std::string(status.message()));
  state_.set_last_error_unix_ms(NowUnixMs());
}

void PeerReplicator::Run() {
  std::mt19937_64 random(std::random_device{}() ^ node_id_);
  int failures = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    bool progressed = false;
    absl::Status status = Session(&progressed);
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (absl::IsOutOfRange(status)) {
      spdlog::warn("replication from {}: {}; asking for a full copy", address_,
                   std::string(status.message()));
      absl::MutexLock lock(&mu_);
      need_full_copy_ = true;
    } else {
      spdlog::warn("replication from {} stopped: {}", address_,
                   status.ToString());
    }
    RecordError(status);
    failures = progressed ? 1 : failures + 1;
    // Exponential backoff with jitter: a uniform delay in [d/2, d].
    absl::Duration delay =
        std::min(kMaxRetryDelay,
                 kFirstRetryDelay * (int64_t{1} << std::min(failures - 1, 20)));
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    delay = delay * jitter(random);
    absl::MutexLock lock(&mu_);
    state_.set_state("backoff");
    state_.set_next_attempt_unix_ms(absl::ToUnixMillis(absl::Now() + delay));
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), delay);
    state_.set_next_attempt_unix_ms(0);
  }
}

absl::Status PeerReplicator::Session(bool* progressed) {
  SetState("connecting");
  // Who is the peer? Its node id keys the stored cursor.
  auto admin = v1::Admin::NewStub(channel_);
  grpc::ClientContext status_call;
  status_call.set_deadline(std::chrono::system_clock::now() + kStatusDeadline);
  if (absl::Status s = token_.Attach(channel_, &status_call); !s.ok()) {
    return s;
  }
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("stopping");
    active_call_ = &status_call;
  }
  v1::StatusResponse peer;
  grpc::Status rpc = admin->Status(&status_call, v1::StatusRequest(), &peer);
  {
    absl::MutexLock lock(&mu_);
    active_call_ = nullptr;
  }
  if (rpc.error_code() == grpc::StatusCode::UNAUTHENTICATED) token_.Forget();
  if (!rpc.ok()) return FromGrpc(rpc, "Admin.Status");
  const uint32_t source = peer.node_id();
  if (source == node_id_) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "peer %s has this server's node id %d; give each server its own "
        "--node-id",
        address_, source));
  }
  absl::StatusOr<Revision> cursor = engine_->ReplicationCursor(source);
  if (!cursor.ok()) return cursor.status();
  bool full_copy;
  {
    absl::MutexLock lock(&mu_);
    state_.set_node_id(source);
    state_.set_cursor(*cursor);
    state_.set_source_revision(peer.header().revision());
    state_.set_lag_revisions(peer.header().revision() > *cursor
                                 ? peer.header().revision() - *cursor
                                 : 0);
    full_copy = need_full_copy_;
  }

  grpc::ClientContext call;
  if (absl::Status s = token_.Attach(channel_, &call); !s.ok()) return s;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("stopping");
    active_call_ = &call;
  }
  auto stub = v1::Replication::NewStub(channel_);
  auto stream = stub->Subscribe(&call);
  v1::SubscribeMessage start;
  start.mutable_start()->set_after_revision(*cursor);
  start.mutable_start()->set_subscriber_id(
      absl::StrFormat("node-%d", node_id_));
  start.mutable_start()->set_exclude_origin(node_id_);
  start.mutable_start()->set_full_copy(full_copy);
  SetState(full_copy ? "copying" : "streaming");
  absl::Status status;
  SilenceWatch watch(call);
  if (stream->Write(start)) {
    v1::SubscribeResponse message;
    while (status.ok() && stream->Read(&message)) {
      watch.Busy();  // the time spent applying is not the source's silence
      {
        absl::MutexLock lock(&mu_);
        state_.set_last_message_unix_ms(NowUnixMs());
      }
      bool ack = false;
      status = HandleMessage(source, message, &*cursor, &ack);
      watch.Heard();
      if (!status.ok()) break;
      *progressed = true;
      if (ack) {
        v1::SubscribeMessage acknowledgement;
        acknowledgement.mutable_ack()->set_applied_revision(*cursor);
        if (!stream->Write(acknowledgement)) break;
      }
    }
  }
  if (!status.ok()) call.TryCancel();
  grpc::Status finished = stream->Finish();
  const bool silent = watch.Stop();
  {
    absl::MutexLock lock(&mu_);
    active_call_ = nullptr;
  }
  if (silent) {
    return absl::UnavailableError(absl::StrFormat(
        "no message from the source for %d s (it sends one at least every "
        "second): the link is down or stalled; reconnecting",
        absl::ToInt64Seconds(kSilentStreamAfter)));
  }
  if (!status.ok()) return status;
  if (finished.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    token_.Forget();
  }
  if (!finished.ok()) return FromGrpc(finished, "Replication.Subscribe");
  return absl::UnavailableError("Replication.Subscribe: the stream ended");
}

absl::Status PeerReplicator::HandleMessage(uint32_t source,
                                           const v1::SubscribeResponse& message,
                                           Revision* cursor, bool* ack) {
  std::vector<ChangeOp> ops;
  uint64_t max_hlc = 0;
  auto take = [&](const v1::ChangeOp& op, std::string_view field) {
    absl::StatusOr<ChangeOp> change = ChangeOpFrom(op, field);
    if (!change.ok()) return change.status();
    // Our own writes coming back (exclude_origin should have left them
    // out already).
    if (change->origin == node_id_) return absl::OkStatus();
    max_hlc = std::max(max_hlc, change->hlc);
    ops.push_back(std::move(*change));
    return absl::OkStatus();
  };
  for (int i = 0; i < message.copy_size(); ++i) {
    absl::Status s = take(message.copy(i), absl::StrFormat("copy[%d]", i));
    if (!s.ok()) return s;
  }
  for (int c = 0; c < message.changes_size(); ++c) {
    const v1::ChangeSet& change = message.changes(c);
    for (int i = 0; i < change.ops_size(); ++i) {
      absl::Status s =
          take(change.ops(i), absl::StrFormat("changes[%d].ops[%d]", c, i));
      if (!s.ok()) return s;
    }
  }
  // The cursor moves with applied changes, never inside a copy: a copy cut
  // short starts again.
  Revision next = *cursor;
  bool copying = message.copy_size() > 0;
  if (message.copy_complete()) {
    next = message.copy_complete_revision();
  } else if (!copying &&
             (message.changes_size() > 0 || message.skipped_changes() > 0)) {
    next = std::max(next, message.through_revision());
  }
  ReplicationApplyResult result;
  if (!ops.empty() || next != *cursor) {
    absl::StatusOr<ReplicationApplyResult> applied =
        engine_->ApplyReplicated(source, next, ops);
    if (!applied.ok()) return applied.status();
    result = *applied;
    if (auth_records_arrived_ &&
        std::any_of(ops.begin(), ops.end(), [](const ChangeOp& op) {
          return op.space == kAuthSpace;
        })) {
      auth_records_arrived_();
    }
    *ack = next != *cursor || message.copy_complete();
    *cursor = next;
  }
  int64_t now = NowUnixMs();
  absl::MutexLock lock(&mu_);
  state_.set_cursor(*cursor);
  state_.set_source_revision(message.current_revision());
  // What the stream has not yet considered (the cursor itself moves only
  // with applied or skipped change sets: revisions with nothing to stream
  // do not move it).
  state_.set_lag_revisions(
      message.current_revision() > message.through_revision()
          ? message.current_revision() - message.through_revision()
          : 0);
  if (max_hlc != 0 && !copying) {
    int64_t made = static_cast<int64_t>(HlcPhysicalMs(max_hlc));
    state_.set_lag_ms(std::max<int64_t>(0, now - made));
  } else if (state_.lag_revisions() == 0) {
    state_.set_lag_ms(0);
  }
  state_.set_applied_ops(state_.applied_ops() + result.applied);
  state_.set_stale_ops(state_.stale_ops() + result.stale);
  state_.set_last_success_unix_ms(now);
  if (message.copy_complete()) {
    need_full_copy_ = false;
    state_.set_full_copies(state_.full_copies() + 1);
    state_.set_state("streaming");
    spdlog::info("replication from {}: full copy complete at revision {}",
                 address_, message.copy_complete_revision());
  }
  return absl::OkStatus();
}

}  // namespace infinitedb::server
