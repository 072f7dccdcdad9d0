// Integration test of infdb-server's shutdown on SIGTERM (--shutdown_grace_ms,
// server/graceful_shutdown.h): an idle client connection does not hold it
// up; a stream in flight that its client keeps reading finishes whole with
// OK; a stream whose client stops reading is cancelled at the end of the
// grace period; the server exits 0 with its data intact every time; the log
// lines go to stderr, as JSON lines with --log_format=json.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "client/infdb_client.h"
#include "infinitedb/v1/records.grpc.pb.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kRecords = 20'000;
constexpr size_t kValueBytes = 1'000;  // 20 MB in all: more than the windows

class ServerShutdownTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> flags) {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data",
                                                       std::move(flags));
    ASSERT_TRUE(server_->Start());
    client::ClientOptions options;
    options.target = server_->address();
    client_ = std::make_unique<client::Client>(options);
  }

  void Fill() {
    ASSERT_TRUE(client_->CreateSpace("big", 2).ok());
    for (int first = 0; first < kRecords; first += 1'000) {
      v1::BatchRequest batch;
      for (int i = first; i < first + 1'000; ++i) {
        v1::Mutation* m = batch.add_mutations();
        m->set_space("big");
        m->mutable_point()->add_coordinates(i % 200);
        m->mutable_point()->add_coordinates(i / 200);
        m->set_put_value(std::string(kValueBytes, 'a' + i % 26));
      }
      ASSERT_TRUE(client_->Batch(batch).ok());
    }
  }

  // A Query of the whole space on its own channel, read by the caller.
  struct Stream {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<v1::Records::Stub> stub;
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::QueryResponse>> reader;
  };
  std::unique_ptr<Stream> OpenQuery() {
    auto stream = std::make_unique<Stream>();
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(64 << 20);
    stream->channel = grpc::CreateCustomChannel(
        server_->address(), grpc::InsecureChannelCredentials(), arguments);
    stream->stub = v1::Records::NewStub(stream->channel);
    v1::QueryRequest request;
    request.set_space("big");
    stream->reader = stream->stub->Query(&stream->context, request);
    return stream;
  }

  std::string Log() {
    std::ifstream in(server_->log_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<client::Client> client_;
};

TEST_F(ServerShutdownTest, IdleConnectionDoesNotHoldUpTheShutdown) {
  StartServer({"--shutdown_grace_ms=60000"});
  ASSERT_TRUE(client_->Status().ok());  // connected, then idle
  const Clock::time_point start = Clock::now();
  EXPECT_EQ(server_->Stop(), 0);
  // Far less than the grace period: nothing was in flight.
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(30));
}

TEST_F(ServerShutdownTest, StreamInFlightFinishesWhole) {
  StartServer({"--shutdown_grace_ms=60000"});
  Fill();
  std::unique_ptr<Stream> stream = OpenQuery();
  v1::QueryResponse page;
  ASSERT_TRUE(stream->reader->Read(&page));
  int64_t records = page.records_size();
  int stop_status = -1;
  std::thread stopper([&] { stop_status = server_->Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  while (stream->reader->Read(&page)) {
    records += page.records_size();
    std::this_thread::sleep_for(
        std::chrono::milliseconds(20));  // a slow reader
  }
  grpc::Status status = stream->reader->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(records, kRecords);
  stopper.join();
  EXPECT_EQ(stop_status, 0);
}

TEST_F(ServerShutdownTest, StreamStillRunningAtTheEndOfTheGraceIsCancelled) {
  StartServer({"--shutdown_grace_ms=500", "--log_format=json"});
  Fill();
  std::unique_ptr<Stream> stream = OpenQuery();
  v1::QueryResponse page;
  ASSERT_TRUE(stream->reader->Read(&page));
  // The reader stops reading: the server's writes block on flow control.
  EXPECT_EQ(server_->Stop(), 0);
  int64_t records = page.records_size();
  while (stream->reader->Read(&page)) records += page.records_size();
  grpc::Status status = stream->reader->Finish();
  EXPECT_FALSE(status.ok());
  EXPECT_LT(records, kRecords);
  const std::string log = Log();
  EXPECT_NE(log.find("\"msg\":\"1 call(s) still running after the 500 ms "
                     "grace period: cancelling them\""),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("{\"time\":\""), std::string::npos) << log;

  // Nothing was lost: the next start serves every record.
  StartServer({});
  v1::QueryRequest count;
  count.set_space("big");
  auto counted = client_->Count(count);
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_EQ(counted->count(), static_cast<uint64_t>(kRecords));
}

}  // namespace
}  // namespace infinitedb
