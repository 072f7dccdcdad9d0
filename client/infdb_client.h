// C++ client library for InfiniteDB: one connection (channel) to a server,
// typed calls over the generated stubs, a deadline on every call, and
// retries with backoff only where repeating a call is safe (reads, listings,
// status; never writes). Thread-safe: one Client may serve many threads.
#ifndef INFINITEDB_CLIENT_INFDB_CLIENT_H_
#define INFINITEDB_CLIENT_INFDB_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "infinitedb/v1/admin.grpc.pb.h"
#include "infinitedb/v1/auth.grpc.pb.h"
#include "infinitedb/v1/branches.grpc.pb.h"
#include "infinitedb/v1/graph.grpc.pb.h"
#include "infinitedb/v1/records.grpc.pb.h"
#include "infinitedb/v1/replication.grpc.pb.h"
#include "infinitedb/v1/spaces.grpc.pb.h"

namespace infinitedb::client {

// A gRPC status as an absl::Status (same code and message).
absl::Status FromGrpc(const grpc::Status& status);

// TLS to the server (PEM text, not file names).
struct TlsOptions {
  bool enabled = false;     // false: plaintext
  std::string root_certs;   // CAs trusted for the server; "" = the system's
  std::string cert_chain;   // a client certificate (--client-cert-auth)
  std::string private_key;  // its key
  std::string server_name;  // checked against the certificate instead of
                            // the target's host ("" = the host)
};

struct ClientOptions {
  std::string target = "127.0.0.1:7070";  // host:port of infdb-server
  TlsOptions tls;
  std::chrono::milliseconds deadline{30'000};  // per call
  int read_attempts = 3;  // tries of a retryable call on UNAVAILABLE
  std::chrono::milliseconds retry_delay{100};  // doubles per retry
  size_t max_message_bytes = 64u << 20;
};

// What a finished Query stream reports besides its records.
struct QuerySummary {
  uint64_t revision = 0;
  uint64_t records = 0;
  std::string next_cursor;  // empty when complete
};

// What a finished graph stream (Incident, BoxIncident, EdgesByKind,
// DanglingEdges) reports besides its answers.
struct GraphPageSummary {
  uint64_t revision = 0;
  uint64_t count = 0;       // answers received
  std::string next_cursor;  // empty when complete
};

class Client {
 public:
  explicit Client(const ClientOptions& options);

  // Spaces.
  absl::StatusOr<v1::Space> CreateSpace(const std::string& name, uint32_t dims);
  absl::StatusOr<v1::Space> GetSpace(const std::string& name);
  absl::StatusOr<std::vector<v1::Space>> ListSpaces();
  absl::Status DropSpace(const std::string& name);

  // Branches (an empty parent means main).
  absl::StatusOr<v1::Branch> CreateBranch(const std::string& name,
                                          const std::string& parent);
  absl::StatusOr<std::vector<v1::Branch>> ListBranches();
  // Drop, status, diff and merge (infdb_branch_client.cc). An empty target
  // means main. Merge is retried like a read only as a dry run.
  absl::Status DropBranch(const std::string& name);
  absl::StatusOr<v1::GetBranchStatusResponse> GetBranchStatus(
      const std::string& name);
  absl::StatusOr<v1::DiffResponse> Diff(const v1::DiffRequest& request);
  absl::StatusOr<v1::MergeResponse> Merge(const v1::MergeRequest& request);
  absl::StatusOr<v1::ListConflictsResponse> ListConflicts(
      const v1::ListConflictsRequest& request);
  absl::Status ResolveConflict(const v1::ResolveConflictRequest& request);
  absl::StatusOr<v1::MergeResponse> CommitMerge(const std::string& target);
  absl::Status AbortMerge(const std::string& target);
  absl::StatusOr<v1::GetMergeStatusResponse> GetMergeStatus(
      const std::string& target);

  // Writes: never retried (a repeat would be a second commit).
  absl::StatusOr<v1::CommitStamp> Put(
      const std::string& branch, const std::string& space,
      const std::vector<uint32_t>& point, const std::string& value,
      std::optional<uint64_t> if_revision = std::nullopt);
  absl::StatusOr<v1::CommitStamp> Delete(
      const std::string& branch, const std::string& space,
      const std::vector<uint32_t>& point,
      std::optional<uint64_t> if_revision = std::nullopt);
  absl::StatusOr<v1::CommitStamp> Batch(const v1::BatchRequest& request);

  // Reads.
  absl::StatusOr<v1::GetResponse> Get(const v1::GetRequest& request);
  absl::StatusOr<v1::HistoryResponse> History(
      const v1::HistoryRequest& request);
  // Streams the query; `on_record` returns false to stop early (the call is
  // then cancelled and the summary's cursor is empty).
  absl::StatusOr<QuerySummary> Query(
      const v1::QueryRequest& request,
      const std::function<bool(const v1::Record&)>& on_record);
  absl::StatusOr<v1::CountResponse> Count(const v1::QueryRequest& request);

  // Graph (graph.proto; defined in infdb_graph_client.cc). Writes are never
  // retried; reads are, on UNAVAILABLE, except the streams.
  absl::StatusOr<v1::EdgeWriteResponse> PutEdge(
      const v1::PutEdgeRequest& request);
  absl::StatusOr<v1::EdgeWriteResponse> DeleteEdge(
      const v1::DeleteEdgeRequest& request);
  // Records and edges in one commit.
  absl::StatusOr<v1::GraphWriteResponse> Write(
      const v1::GraphWriteRequest& request);
  absl::StatusOr<v1::GetEdgeResponse> GetEdge(
      const v1::GetEdgeRequest& request);
  absl::StatusOr<v1::EdgeHistoryResponse> EdgeHistory(
      const v1::EdgeHistoryRequest& request);
  // Stream the answers; the callback returns false to stop early (the call
  // is then cancelled and the summary's cursor is empty).
  absl::StatusOr<GraphPageSummary> Incident(
      const v1::IncidentRequest& request,
      const std::function<bool(const v1::Incidence&)>& on_incidence);
  absl::StatusOr<GraphPageSummary> BoxIncident(
      const v1::BoxIncidentRequest& request,
      const std::function<bool(const v1::Incidence&)>& on_incidence);
  absl::StatusOr<GraphPageSummary> EdgesByKind(
      const v1::EdgesByKindRequest& request,
      const std::function<bool(const v1::Edge&)>& on_edge);
  absl::StatusOr<v1::DegreeResponse> Degree(const v1::DegreeRequest& request);
  absl::StatusOr<v1::TraverseResponse> Traverse(
      const v1::TraverseRequest& request);
  absl::StatusOr<v1::ShortestPathResponse> ShortestPath(
      const v1::ShortestPathRequest& request);
  absl::StatusOr<v1::FindCycleResponse> FindCycle(
      const v1::FindCycleRequest& request);
  // One ImportEdges stream: sends the batches `next_batch` fills (it
  // returns false when there are no more), one at a time, and hands each
  // batch's answer to `on_result` before sending the next. The deadline
  // covers the whole stream. An error status means the stream failed (the
  // batches answered before it were handled as usual); refused batches are
  // reported through `on_result` only.
  absl::Status ImportEdges(
      const std::function<bool(v1::ImportEdgesRequest*)>& next_batch,
      const std::function<void(const v1::ImportEdgesResponse&)>& on_result);
  // The kind catalogue: DeclareKind is a write (never retried), ListKinds
  // the declared kinds in kind order.
  absl::StatusOr<v1::DeclareKindResponse> DeclareKind(
      const v1::DeclareKindRequest& request);
  absl::StatusOr<std::vector<v1::KindDeclaration>> ListKinds();
  // The live edges with an endpoint that has no live record; streamed like
  // EdgesByKind.
  absl::StatusOr<GraphPageSummary> DanglingEdges(
      const v1::DanglingEdgesRequest& request,
      const std::function<bool(const v1::Edge&)>& on_edge);

  // The standard gRPC health service (grpc.health.v1.Health/Check) for
  // `service` ("" = the whole server): true when SERVING.
  absl::StatusOr<bool> Serving(const std::string& service = "");

  // Admin.
  absl::StatusOr<v1::StatusResponse> Status();
  absl::StatusOr<v1::StatsResponse> Stats();
  absl::Status Flush();
  absl::Status Compact(const std::string& space);

  // An online backup (incremental with request.base_files): the chunks of
  // the backup file in order (the first
  // says its revision and size); `on_chunk` returns false to stop. Not
  // bounded by the per-call deadline (a backup takes as long as it takes).
  absl::Status Backup(
      const v1::BackupRequest& request,
      const std::function<bool(const v1::BackupChunk&)>& on_chunk);

  // Replication.
  absl::StatusOr<v1::ReplicationStatusResponse> ReplicationStatus();
  absl::Status ForgetSubscriber(const std::string& subscriber_id);
  // An anonymous subscription (Replication.Subscribe with `start`, no
  // acknowledgements): hands every message but heartbeats to `on_message`
  // until it returns false (then cancels, OK) or the stream fails. No
  // deadline: it runs until stopped.
  absl::Status Watch(
      const v1::SubscribeRequest& start,
      const std::function<bool(const v1::SubscribeResponse&)>& on_message);
  // Authenticates as `user` (Auth.Authenticate) and sends the token with
  // every later call. Call it before any other call.
  absl::Status Authenticate(const std::string& user,
                            const std::string& password);

  // Access control (the Auth service; infdb_auth_client.cc). Every call
  // but AuthStatus needs admin on '*' (AuthDisable: root). An empty
  // password makes a user that can authenticate only with a certificate.
  absl::StatusOr<v1::AuthStatusResponse> AuthStatus();
  absl::Status EnableAuth();
  absl::Status DisableAuth();
  absl::Status AddUser(const std::string& name, const std::string& password);
  absl::Status DeleteUser(const std::string& name);
  absl::StatusOr<std::vector<v1::User>> ListUsers();
  absl::Status ChangePassword(const std::string& user,
                              const std::string& password);
  absl::Status GrantRole(const std::string& user, const std::string& role);
  absl::Status RevokeRole(const std::string& user, const std::string& role);
  absl::Status AddRole(const std::string& name);
  absl::Status DeleteRole(const std::string& name);
  absl::StatusOr<std::vector<v1::Role>> ListRoles();
  absl::Status GrantPermission(const std::string& role, const v1::Grant& grant);
  absl::Status RevokePermission(const std::string& role,
                                const v1::Grant& grant);

  // The change stream as a raw stub, for subscribers (Subscribe is a
  // long-lived bidirectional stream: no deadline, no retries).
  v1::Replication::Stub& replication() { return *replication_; }

 private:
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  // Adds the token from Authenticate, if any, to `context`.
  void AddCredentials(grpc::ClientContext& context) const;
  // Runs `call` up to read_attempts times while it fails with UNAVAILABLE.
  absl::Status Retrying(const std::function<grpc::Status()>& call) const;
  // A unary read, retried like Retrying: `method` of `stub` with a fresh
  // context each time.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> RetriedRead(
      Stub* stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) const {
    Response response;
    absl::Status status = Retrying([&] {
      return (stub->*method)(NewContext().get(), request, &response);
    });
    if (!status.ok()) return status;
    return response;
  }

  // A unary call made once (a write: repeating it could apply it twice).
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Once(
      Stub* stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) const {
    Response response;
    absl::Status status =
        FromGrpc((stub->*method)(NewContext().get(), request, &response));
    if (!status.ok()) return status;
    return response;
  }

  const ClientOptions options_;
  std::string token_;  // from Authenticate
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Spaces::Stub> spaces_;
  std::unique_ptr<v1::Records::Stub> records_;
  std::unique_ptr<v1::Graph::Stub> graph_;
  std::unique_ptr<v1::Branches::Stub> branches_;
  std::unique_ptr<v1::Admin::Stub> admin_;
  std::unique_ptr<v1::Replication::Stub> replication_;
  std::unique_ptr<v1::Auth::Stub> auth_;
};

}  // namespace infinitedb::client

#endif  // INFINITEDB_CLIENT_INFDB_CLIENT_H_
