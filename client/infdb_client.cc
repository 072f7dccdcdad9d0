#include "client/infdb_client.h"

#include <future>
#include <thread>

#include <grpcpp/generic/generic_stub.h>

namespace infinitedb::client {

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

Client::Client(const ClientOptions& options) : options_(options) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(
      static_cast<int>(options.max_message_bytes));
  arguments.SetMaxSendMessageSize(static_cast<int>(options.max_message_bytes));
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (options.tls.enabled) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = options.tls.root_certs;
    tls.pem_cert_chain = options.tls.cert_chain;
    tls.pem_private_key = options.tls.private_key;
    credentials = grpc::SslCredentials(tls);
    if (!options.tls.server_name.empty()) {
      arguments.SetSslTargetNameOverride(options.tls.server_name);
    }
  }
  channel_ = grpc::CreateCustomChannel(options.target, credentials, arguments);
  spaces_ = v1::Spaces::NewStub(channel_);
  records_ = v1::Records::NewStub(channel_);
  graph_ = v1::Graph::NewStub(channel_);
  branches_ = v1::Branches::NewStub(channel_);
  admin_ = v1::Admin::NewStub(channel_);
  replication_ = v1::Replication::NewStub(channel_);
  auth_ = v1::Auth::NewStub(channel_);
}

std::unique_ptr<grpc::ClientContext> Client::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + options_.deadline);
  AddCredentials(*context);
  return context;
}

void Client::AddCredentials(grpc::ClientContext& context) const {
  if (!token_.empty()) context.AddMetadata("authorization", "Bearer " + token_);
}

absl::Status Client::Retrying(const std::function<grpc::Status()>& call) const {
  std::chrono::milliseconds delay = options_.retry_delay;
  grpc::Status status;
  for (int attempt = 1;; ++attempt) {
    status = call();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        attempt >= options_.read_attempts) {
      return FromGrpc(status);
    }
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
}

absl::StatusOr<v1::Space> Client::CreateSpace(const std::string& name,
                                              uint32_t dims) {
  v1::CreateSpaceRequest request;
  request.set_name(name);
  request.set_dims(dims);
  v1::CreateSpaceResponse response;
  absl::Status status =
      FromGrpc(spaces_->CreateSpace(NewContext().get(), request, &response));
  if (!status.ok()) return status;
  return response.space();
}

absl::StatusOr<v1::Space> Client::GetSpace(const std::string& name) {
  v1::GetSpaceRequest request;
  request.set_name(name);
  v1::GetSpaceResponse response;
  absl::Status status = Retrying([&] {
    return spaces_->GetSpace(NewContext().get(), request, &response);
  });
  if (!status.ok()) return status;
  return response.space();
}

absl::StatusOr<std::vector<v1::Space>> Client::ListSpaces() {
  v1::ListSpacesResponse response;
  absl::Status status = Retrying([&] {
    return spaces_->ListSpaces(NewContext().get(), v1::ListSpacesRequest(),
                               &response);
  });
  if (!status.ok()) return status;
  return std::vector<v1::Space>(response.spaces().begin(),
                                response.spaces().end());
}

absl::Status Client::DropSpace(const std::string& name) {
  v1::DropSpaceRequest request;
  request.set_name(name);
  v1::DropSpaceResponse response;
  return FromGrpc(spaces_->DropSpace(NewContext().get(), request, &response));
}

absl::StatusOr<v1::Branch> Client::CreateBranch(const std::string& name,
                                                const std::string& parent) {
  v1::CreateBranchRequest request;
  request.set_name(name);
  request.set_parent(parent);
  v1::CreateBranchResponse response;
  absl::Status status =
      FromGrpc(branches_->CreateBranch(NewContext().get(), request, &response));
  if (!status.ok()) return status;
  return response.branch();
}

absl::StatusOr<std::vector<v1::Branch>> Client::ListBranches() {
  v1::ListBranchesResponse response;
  absl::Status status = Retrying([&] {
    return branches_->ListBranches(NewContext().get(),
                                   v1::ListBranchesRequest(), &response);
  });
  if (!status.ok()) return status;
  return std::vector<v1::Branch>(response.branches().begin(),
                                 response.branches().end());
}

absl::StatusOr<v1::CommitStamp> Client::Put(
    const std::string& branch, const std::string& space,
    const std::vector<uint32_t>& point, const std::string& value,
    std::optional<uint64_t> if_revision) {
  v1::PutRequest request;
  if (if_revision) request.mutable_if_revision()->set_revision(*if_revision);
  request.set_branch(branch);
  request.set_space(space);
  request.mutable_point()->mutable_coordinates()->Assign(point.begin(),
                                                         point.end());
  request.set_value(value);
  v1::WriteResponse response;
  absl::Status status =
      FromGrpc(records_->Put(NewContext().get(), request, &response));
  if (!status.ok()) return status;
  return response.stamp();
}

absl::StatusOr<v1::CommitStamp> Client::Delete(
    const std::string& branch, const std::string& space,
    const std::vector<uint32_t>& point, std::optional<uint64_t> if_revision) {
  v1::DeleteRequest request;
  if (if_revision) request.mutable_if_revision()->set_revision(*if_revision);
  request.set_branch(branch);
  request.set_space(space);
  request.mutable_point()->mutable_coordinates()->Assign(point.begin(),
                                                         point.end());
  v1::WriteResponse response;
  absl::Status status =
      FromGrpc(records_->Delete(NewContext().get(), request, &response));
  if (!status.ok()) return status;
  return response.stamp();
}

absl::StatusOr<v1::CommitStamp> Client::Batch(const v1::BatchRequest& request) {
  v1::WriteResponse response;
  absl::Status status =
      FromGrpc(records_->Batch(NewContext().get(), request, &response));
  if (!status.ok()) return status;
  return response.stamp();
}

absl::StatusOr<v1::GetResponse> Client::Get(const v1::GetRequest& request) {
  return RetriedRead(records_.get(), &v1::Records::Stub::Get, request);
}

absl::StatusOr<v1::HistoryResponse> Client::History(
    const v1::HistoryRequest& request) {
  return RetriedRead(records_.get(), &v1::Records::Stub::History, request);
}

absl::StatusOr<QuerySummary> Client::Query(
    const v1::QueryRequest& request,
    const std::function<bool(const v1::Record&)>& on_record) {
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  std::unique_ptr<grpc::ClientReader<v1::QueryResponse>> reader =
      records_->Query(context.get(), request);
  QuerySummary summary;
  v1::QueryResponse page;
  bool stopped = false;
  while (!stopped && reader->Read(&page)) {
    for (const v1::Record& record : page.records()) {
      ++summary.records;
      if (!on_record(record)) {
        stopped = true;
        break;
      }
    }
    if (page.done()) {
      summary.revision = page.header().revision();
      summary.next_cursor = page.next_cursor();
    }
  }
  if (stopped) {
    context->TryCancel();
    reader->Finish();
    return summary;
  }
  absl::Status status = FromGrpc(reader->Finish());
  if (!status.ok()) return status;
  return summary;
}

absl::StatusOr<v1::CountResponse> Client::Count(
    const v1::QueryRequest& request) {
  return RetriedRead(records_.get(), &v1::Records::Stub::Count, request);
}

absl::StatusOr<v1::StatusResponse> Client::Status() {
  v1::StatusResponse response;
  absl::Status status = Retrying([&] {
    return admin_->Status(NewContext().get(), v1::StatusRequest(), &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::ReplicationStatusResponse> Client::ReplicationStatus() {
  v1::ReplicationStatusResponse response;
  absl::Status status = Retrying([&] {
    return replication_->Status(NewContext().get(),
                                v1::ReplicationStatusRequest(), &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::Status Client::ForgetSubscriber(const std::string& subscriber_id) {
  v1::ForgetSubscriberRequest request;
  request.set_subscriber_id(subscriber_id);
  v1::ForgetSubscriberResponse response;
  return FromGrpc(
      replication_->ForgetSubscriber(NewContext().get(), request, &response));
}

absl::StatusOr<bool> Client::Serving(const std::string& service) {
  // HealthCheckRequest {string service = 1}; HealthCheckResponse {enum
  // status = 1} with SERVING = 1: small enough to encode here, so the
  // client needs no generated health stubs.
  std::string request;
  if (!service.empty() && service.size() < 128) {
    request.push_back(0x0a);
    request.push_back(static_cast<char>(service.size()));
    request += service;
  } else if (!service.empty()) {
    return absl::InvalidArgumentError("service: at most 127 bytes");
  }
  grpc::GenericStub stub(channel_);
  grpc::Slice slice(request);
  grpc::ByteBuffer body(&slice, 1), answer;
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), "/grpc.health.v1.Health/Check",
                 grpc::StubOptions(), &body, &answer,
                 [&](grpc::Status status) { done.set_value(status); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return FromGrpc(status);
  std::vector<grpc::Slice> slices;
  if (!answer.Dump(&slices).ok()) return absl::InternalError("health: no body");
  std::string bytes;
  for (const grpc::Slice& part : slices) {
    bytes.append(reinterpret_cast<const char*>(part.begin()), part.size());
  }
  return bytes.size() == 2 && bytes[0] == 0x08 && bytes[1] == 0x01;
}

absl::Status Client::Watch(
    const v1::SubscribeRequest& start,
    const std::function<bool(const v1::SubscribeResponse&)>& on_message) {
  grpc::ClientContext context;
  AddCredentials(context);
  std::unique_ptr<
      grpc::ClientReaderWriter<v1::SubscribeMessage, v1::SubscribeResponse>>
      stream = replication_->Subscribe(&context);
  v1::SubscribeMessage first;
  *first.mutable_start() = start;
  stream->Write(first);  // a failure shows in Finish
  v1::SubscribeResponse message;
  while (stream->Read(&message)) {
    const bool heartbeat = message.changes().empty() &&
                           message.copy().empty() && !message.copy_complete();
    if (!heartbeat && !on_message(message)) {
      context.TryCancel();
      stream->Finish();
      return absl::OkStatus();
    }
  }
  return FromGrpc(stream->Finish());
}

absl::Status Client::Backup(
    const v1::BackupRequest& request,
    const std::function<bool(const v1::BackupChunk&)>& on_chunk) {
  grpc::ClientContext context;
  AddCredentials(context);
  std::unique_ptr<grpc::ClientReader<v1::BackupChunk>> reader =
      admin_->Backup(&context, request);
  v1::BackupChunk chunk;
  while (reader->Read(&chunk)) {
    if (!on_chunk(chunk)) {
      context.TryCancel();
      reader->Finish();
      return absl::CancelledError("the backup was stopped");
    }
  }
  return FromGrpc(reader->Finish());
}

absl::StatusOr<v1::StatsResponse> Client::Stats() {
  v1::StatsResponse response;
  absl::Status status = Retrying([&] {
    return admin_->Stats(NewContext().get(), v1::StatsRequest(), &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::Status Client::Flush() {
  v1::FlushResponse response;
  return FromGrpc(
      admin_->Flush(NewContext().get(), v1::FlushRequest(), &response));
}

absl::Status Client::Compact(const std::string& space) {
  v1::CompactRequest request;
  request.set_space(space);
  v1::CompactResponse response;
  return FromGrpc(admin_->Compact(NewContext().get(), request, &response));
}

}  // namespace infinitedb::client
