// Integration test of malformed requests against a real infdb-server
// (server/status_guard.h, the Subscribe protocol checks): a request body
// that does not parse is INVALID_ARGUMENT with a message, not INTERNAL with
// none; a huge name is NOT_FOUND with a bounded message, not
// RESOURCE_EXHAUSTED from an oversize trailer; a subscriber's ack of a
// revision it was never sent, and a second start message, are
// INVALID_ARGUMENT and acknowledge nothing.
#include <gtest/gtest.h>

#include <future>
#include <string>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "client/infdb_client.h"
#include "infinitedb/v1/replication.grpc.pb.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

class RequestValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data");
    ASSERT_TRUE(server_->Start());
    client::ClientOptions options;
    options.target = server_->address();
    options.read_attempts = 1;
    client_ = std::make_unique<client::Client>(options);
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
  }

  // `body` sent as the request of `method`, byte for byte.
  grpc::Status RawCall(const std::string& method, const std::string& body) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    grpc::Slice slice(body);
    grpc::ByteBuffer request(&slice, 1), response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status status) { done.set_value(status); });
    return done.get_future().get();
  }

  // The acknowledged revision the server keeps for `id` (0 when unknown).
  uint64_t AckedRevision(const std::string& id) {
    auto status = client_->ReplicationStatus();
    EXPECT_TRUE(status.ok()) << status.status();
    for (const v1::SubscriberState& s : status->subscribers()) {
      if (s.subscriber_id() == id) return s.acked_revision();
    }
    return 0;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<client::Client> client_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(RequestValidationTest, AnUnparseableBodyIsInvalidArgumentWithAMessage) {
  for (const char* method :
       {"/infinitedb.v1.Spaces/GetSpace", "/infinitedb.v1.Records/Put",
        "/infinitedb.v1.Admin/Compact", "/infinitedb.v1.Graph/PutEdge"}) {
    grpc::Status status = RawCall(method, "\xff\xff\xff\xff");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << method << ": " << status.error_message();
    EXPECT_NE(status.error_message().find("could not parse"), std::string::npos)
        << method << ": " << status.error_message();
  }
}

TEST_F(RequestValidationTest, AHugeNameGetsNotFoundWithABoundedMessage) {
  const std::string name(8'000, 'n');
  for (const auto& [what, status] :
       std::vector<std::pair<std::string, absl::Status>>{
           {"GetSpace", client_->GetSpace(name).status()},
           {"Compact", client_->Compact(name)},
           {"ForgetSubscriber", client_->ForgetSubscriber(name)}}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << what << status;
    EXPECT_LE(status.message().size(), 1'024u) << what;
    EXPECT_NE(status.message().find("bytes cut"), absl::string_view::npos)
        << what << ": " << status.message().substr(0, 200);
  }
}

class Subscription {
 public:
  explicit Subscription(v1::Replication::Stub& stub)
      : stream_(stub.Subscribe(&context_)) {}
  bool Send(const v1::SubscribeMessage& message) {
    return stream_->Write(message);
  }
  // Reads until the stream ends; its status.
  grpc::Status Finish() {
    v1::SubscribeResponse response;
    while (stream_->Read(&response)) {
    }
    return stream_->Finish();
  }
  bool Read(v1::SubscribeResponse* response) { return stream_->Read(response); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<
      grpc::ClientReaderWriter<v1::SubscribeMessage, v1::SubscribeResponse>>
      stream_;
};

TEST_F(RequestValidationTest, SubscribeRefusesAcksNotSentAndASecondStart) {
  ASSERT_TRUE(client_->CreateSpace("s", 1).ok());
  for (uint32_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(client_->Put("", "s", {i}, "v", std::nullopt).ok());
  }
  auto stub = v1::Replication::NewStub(channel_);
  v1::SubscribeMessage start;
  start.mutable_start()->set_subscriber_id("sub");
  {
    Subscription subscription(*stub);
    ASSERT_TRUE(subscription.Send(start));
    v1::SubscribeResponse first;
    ASSERT_TRUE(subscription.Read(&first));
    v1::SubscribeMessage ack;
    ack.mutable_ack()->set_applied_revision(first.through_revision());
    ASSERT_TRUE(subscription.Send(ack));
    ack.mutable_ack()->set_applied_revision(UINT64_MAX);
    subscription.Send(ack);
    grpc::Status status = subscription.Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << status.error_message();
    EXPECT_NE(status.error_message().find("ack.applied_revision"),
              std::string::npos)
        << status.error_message();
  }
  EXPECT_LE(AckedRevision("sub"), client_->Status()->header().revision());
  {
    Subscription subscription(*stub);
    ASSERT_TRUE(subscription.Send(start));
    subscription.Send(start);
    grpc::Status status = subscription.Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << status.error_message();
    EXPECT_NE(status.error_message().find("start: given twice"),
              std::string::npos)
        << status.error_message();
  }
}

}  // namespace
}  // namespace infinitedb
