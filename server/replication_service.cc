#include "server/replication_service.h"

#include <grpc/grpc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "server/proto_convert.h"
#include "server/replication_status.h"
#include "server/status_util.h"
#include "spdlog/spdlog.h"

namespace infinitedb::server {
namespace {

// About this many bytes of changes or copied records per message.
constexpr size_t kMessageBytes = 256 << 10;
// An idle stream sends a heartbeat this often.
constexpr auto kHeartbeat = std::chrono::seconds(1);
// How long a caught-up stream waits for a commit before checking again.
constexpr int64_t kWaitMs = 200;

using Stream =
    grpc::ServerReaderWriter<v1::SubscribeResponse, v1::SubscribeMessage>;

struct Filters {
  std::set<std::string> branches;  // empty = all
  std::set<std::string> spaces;    // empty = all
  uint32_t exclude_origin = 0;

  bool Keep(const ChangeOp& op) const {
    return (branches.empty() || branches.contains(op.branch)) &&
           (spaces.empty() || spaces.contains(op.space)) &&
           (exclude_origin == 0 || op.origin != exclude_origin);
  }
};

size_t OpBytes(const ChangeOp& op) {
  return op.value.size() + 4 * op.point.size() + op.branch.size() +
         op.space.size() + 24;
}

// The spaces a full copy streams of `branch`: on main, the catalogue events
// first (so that the receiver makes each branch with its fork stamp before
// the branch's records arrive; they live on main only) and the
// access-control records; then every user
// space, then the graph's edges (which ListSpaces leaves out; the receiver
// derives their index entries). Without the edges a follower that
// resynchronises from a copy would lose every edge written while it was
// behind.
std::vector<std::string> CopiedSpaces(Engine& engine,
                                      const BranchInfo& branch) {
  std::vector<std::string> names;
  if (branch.name == kMainBranch) {
    names.push_back(kCatalogEventsSpace);
    names.push_back(kAuthSpace);
  }
  for (const SpaceInfo& space : engine.ListSpaces()) {
    names.push_back(space.name);
  }
  names.push_back(kGraphEdgesSpace);
  return names;
}

// Every branch, main first: its __catalog records make each branch with its
// fork on the receiver before the branch's records arrive.
std::vector<BranchInfo> BranchesToCopy(Engine& engine) {
  std::vector<BranchInfo> branches = engine.ListBranches();
  std::stable_partition(
      branches.begin(), branches.end(),
      [](const BranchInfo& b) { return b.name == kMainBranch; });
  return branches;
}

// Whether a full copy under `filters` also sends `branch`'s parent (then the
// branch's copy need not hold what it reads of it).
bool ParentCopied(const BranchInfo& branch, const Filters& filters) {
  return !branch.parent.empty() && branch.fork_hlc != 0 &&
         (filters.branches.empty() || filters.branches.contains(branch.parent));
}

// Streams the newest version of every address of every branch and space at
// `revision`, tombstones included, in messages of about kMessageBytes; at
// least one every kHeartbeat (perhaps empty, while the filters leave out
// long runs of records), so that the subscriber does not take the stream
// for silent.
absl::Status StreamCopy(Engine& engine, Revision revision,
                        const Filters& filters, const ServiceContext& context,
                        const std::function<bool()>& stop, Stream* stream) {
  v1::SubscribeResponse message;
  size_t bytes = 0;
  bool write_failed = false;
  auto last_write = std::chrono::steady_clock::now();
  auto flush = [&] {
    message.set_node_id(context.node_id);
    message.set_current_revision(engine.CurrentRevision());
    if (!stream->Write(message)) write_failed = true;
    message.Clear();
    bytes = 0;
    last_write = std::chrono::steady_clock::now();
  };
  uint64_t visited = 0;
  auto heartbeat_due = [&] {
    // Reading the clock every 1,024 records costs nothing measurable.
    return ++visited % 1024 == 0 &&
           std::chrono::steady_clock::now() - last_write >= kHeartbeat;
  };
  for (const BranchInfo& branch : BranchesToCopy(engine)) {
    if (!filters.branches.empty() && !filters.branches.contains(branch.name)) {
      continue;
    }
    for (const std::string& space : CopiedSpaces(engine, branch)) {
      if (!filters.spaces.empty() && !filters.spaces.contains(space)) {
        continue;
      }
      // What the branch reads of its parent is stamped at or below its fork;
      // the receiver reads that through its own copy of the parent.
      const uint64_t parents_up_to =
          ParentCopied(branch, filters) ? branch.fork_hlc : 0;
      QueryRequest request;
      request.branch = branch.name;
      request.as_of = revision;
      request.space = space;
      request.include_tombstones = true;
      absl::StatusOr<QueryResult> result =
          engine.Query(request, [&](const RecordView& record) {
            if (stop()) {
              write_failed = true;  // ends the copy
              return false;
            }
            if (heartbeat_due()) flush();
            if ((filters.exclude_origin != 0 &&
                 record.stamp.origin == filters.exclude_origin) ||
                record.stamp.hlc <= parents_up_to) {
              return !write_failed;
            }
            ChangeOp op{
                branch.name,
                space,
                record.point(),
                record.deleted,
                record.deleted ? std::string() : std::string(record.value),
                record.stamp.hlc,
                record.stamp.origin};
            bytes += OpBytes(op);
            ToProto(op, message.add_copy());
            if (bytes >= kMessageBytes) flush();
            return !write_failed;
          });
      // A space dropped meanwhile (or no edge ever written) has nothing to
      // copy.
      if (!result.ok() && !absl::IsNotFound(result.status())) {
        return result.status();
      }
      if (write_failed) return absl::CancelledError("the subscriber left");
    }
  }
  message.set_copy_complete(true);
  message.set_copy_complete_revision(revision);
  message.set_through_revision(revision);
  flush();
  if (write_failed) return absl::CancelledError("the subscriber left");
  return absl::OkStatus();
}

// Why a message after the start is refused ("" when it is not): a second
// start, or an acknowledgement of a revision the stream has not sent.
std::string AckRefusal(const v1::SubscribeMessage& message,
                       Revision sent_through) {
  if (message.has_start()) {
    return "start: given twice; a stream takes one start message, then acks";
  }
  if (message.has_ack() && message.ack().applied_revision() > sent_through) {
    return absl::StrFormat(
        "ack.applied_revision: %d was not sent; this stream has sent changes "
        "up to revision %d",
        message.ack().applied_revision(), sent_through);
  }
  return "";
}

// Whether the caller may subscribe with `filters`: the whole stream needs
// replicate; without it, only user spaces named in the filter, each
// readable on every branch the filter names (or on all of them).
grpc::Status MaySubscribe(const ServiceContext& context, const Caller& caller,
                          const Filters& filters,
                          const grpc::ServerContext* call) {
  const Need whole_stream{Permission::kReplicate, kEverySpace, ""};
  if (caller.Allowed(whole_stream)) return grpc::Status::OK;
  if (filters.spaces.empty()) {
    return context.Require(caller, whole_stream, call);
  }
  for (const std::string& space : filters.spaces) {
    if (space.starts_with(kSystemSpacePrefix)) {
      return context.Require(caller, whole_stream, call);
    }
    if (filters.branches.empty()) {
      grpc::Status s =
          context.Require(caller, {Permission::kRead, space, ""}, call);
      if (!s.ok()) return s;
    }
    for (const std::string& branch : filters.branches) {
      grpc::Status s =
          context.Require(caller, {Permission::kRead, space, branch}, call);
      if (!s.ok()) return s;
    }
  }
  return grpc::Status::OK;
}

}  // namespace

grpc::Status ReplicationService::Subscribe(grpc::ServerContext* call,
                                           Stream* stream) {
  Engine& engine = *context_->engine;
  absl::StatusOr<Caller> caller = context_->Identify(*call);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  v1::SubscribeMessage first;
  if (!stream->Read(&first) || !first.has_start()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "start: the first message must be a start request");
  }
  const v1::SubscribeRequest& start = first.start();
  Filters filters;
  filters.branches = {start.branches().begin(), start.branches().end()};
  filters.spaces = {start.spaces().begin(), start.spaces().end()};
  filters.exclude_origin = start.exclude_origin();
  grpc::Status allowed = MaySubscribe(*context_, *caller, filters, call);
  if (!allowed.ok()) return allowed;
  const std::string& id = start.subscriber_id();
  SubscriberRegistry* registry = context_->subscribers;

  Revision after = start.after_revision();
  Revision current = engine.CurrentRevision();
  if (start.full_copy()) {
    after = current;
  } else if (after > current) {
    return grpc::Status(
        grpc::StatusCode::OUT_OF_RANGE,
        absl::StrFormat("after_revision: %d is beyond this server's revision "
                        "%d (was the source's data directory replaced?)",
                        after, current));
  } else if (after < engine.OldestChangeRevision()) {
    return grpc::Status(
        grpc::StatusCode::OUT_OF_RANGE,
        absl::StrFormat(
            "after_revision: revision %d is older than the retained change "
            "log; the oldest revision a subscription can start after is %d; "
            "subscribe with full_copy",
            after, engine.OldestChangeRevision()));
  }
  // Registering holds the WAL after `after` for this subscriber.
  if (!id.empty()) registry->Connected(id, call->peer(), after);
  spdlog::info("subscriber '{}' ({}) streams after revision {}{}", id,
               call->peer(), after,
               start.full_copy() ? " after a full copy" : "");

  // Acknowledgements arrive on the same stream while changes are written;
  // one of a revision not sent yet, or a second start, ends the stream
  // with INVALID_ARGUMENT (and acknowledges nothing).
  std::atomic<Revision> sent_through{after};
  std::atomic<bool> refused{false};
  std::string refusal;  // written before `refused` is set
  std::thread ack_reader([&] {
    v1::SubscribeMessage message;
    while (stream->Read(&message)) {
      refusal = AckRefusal(message, sent_through.load());
      if (!refusal.empty()) {
        refused.store(true, std::memory_order_release);
        return;
      }
      if (message.has_ack() && !id.empty()) {
        registry->Acked(id, message.ack().applied_revision());
      }
    }
  });

  absl::Status status;
  if (start.full_copy()) {
    status = StreamCopy(
        engine, after, filters, *context_,
        [this, call, &refused] {
          return stopping_.load() || call->IsCancelled() || refused.load();
        },
        stream);
  }
  ChangeCursor cursor{after, 0, 0};
  auto last_write = std::chrono::steady_clock::now();
  while (status.ok() && !stopping_.load() && !call->IsCancelled() &&
         !refused.load(std::memory_order_acquire)) {
    absl::StatusOr<ChangeBatch> batch =
        engine.ReadChanges(cursor, kMessageBytes);
    if (!batch.ok()) {
      status = batch.status();
      break;
    }
    bool advanced = batch->next.after != cursor.after;
    cursor = batch->next;
    if (!advanced &&
        std::chrono::steady_clock::now() - last_write < kHeartbeat) {
      engine.WaitForRevision(cursor.after, kWaitMs);
      continue;
    }
    v1::SubscribeResponse message;
    message.set_node_id(context_->node_id);
    message.set_through_revision(cursor.after);
    uint64_t skipped = 0;
    for (const ChangeSet& change : batch->changes) {
      v1::ChangeSet* out = nullptr;
      for (const ChangeOp& op : change.ops) {
        if (!filters.Keep(op)) continue;
        if (out == nullptr) {
          out = message.add_changes();
          out->set_revision(change.revision);
        }
        ToProto(op, out->add_ops());
      }
      if (out == nullptr) ++skipped;
    }
    message.set_skipped_changes(skipped);
    // The revision the log was read up to (a heartbeat when idle).
    message.set_current_revision(engine.CurrentRevision());
    if (!id.empty()) {
      registry->Sent(id, message.changes_size(), cursor.after,
                     message.current_revision());
    }
    // Before the write: the subscriber may acknowledge it at once.
    sent_through.store(cursor.after);
    if (!stream->Write(message)) break;  // the subscriber left
    last_write = std::chrono::steady_clock::now();
  }
  if (stopping_.load()) {
    status = absl::UnavailableError("the server is shutting down");
  }
  if (refused.load(std::memory_order_acquire)) {
    status = absl::InvalidArgumentError(refusal);
  } else if (stopping_.load()) {
    // Ends the call with UNAVAILABLE (retryable) now, which also unblocks
    // the acknowledgement reader.
    grpc_call_cancel_with_status(
        call->c_call(), GRPC_STATUS_UNAVAILABLE,
        "the server is shutting down; subscribe again (here once it is back)",
        nullptr);
  } else {
    // Unblocks the acknowledgement reader if the subscriber is still there
    // (the client then sees CANCELLED rather than `status`).
    call->TryCancel();
  }
  ack_reader.join();
  if (!id.empty()) {
    registry->Disconnected(id, status.ok() ? "" : status.ToString());
  }
  if (!status.ok()) {
    spdlog::warn("subscriber '{}' ({}): {}", id, call->peer(),
                 status.ToString());
  }
  return ToGrpcStatus(status);
}

grpc::Status ReplicationService::Status(
    grpc::ServerContext* call, const v1::ReplicationStatusRequest*,
    v1::ReplicationStatusResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kReplicate, kEverySpace, ""});
      !s.ok()) {
    return s;
  }
  FillReplicationStatus(*context_, response->mutable_subscribers(),
                        response->mutable_sources());
  response->set_oldest_change_revision(
      context_->engine->OldestChangeRevision());
  response->set_retention_revisions(
      context_->subscribers->retention_revisions());
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

grpc::Status ReplicationService::ForgetSubscriber(
    grpc::ServerContext* call, const v1::ForgetSubscriberRequest* request,
    v1::ForgetSubscriberResponse* response) {
  if (grpc::Status s =
          context_->Allow(call, {Permission::kAdmin, kEverySpace, ""});
      !s.ok()) {
    return s;
  }
  if (request->subscriber_id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "subscriber_id: required");
  }
  absl::Status status = context_->subscribers->Forget(request->subscriber_id());
  if (!status.ok()) return ToGrpcStatus(status);
  context_->FillHeader(response->mutable_header());
  return grpc::Status::OK;
}

}  // namespace infinitedb::server
