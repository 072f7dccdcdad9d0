// Integration test of users, roles and grants (server/auth_store.h,
// server/call_auth.h, the Auth service) on a real server process: auth
// cannot be enabled before root exists; with it enabled every rpc without
// credentials is UNAUTHENTICATED; a read-only user's writes are
// PERMISSION_DENIED and change nothing; a user granted one space sees only
// it in ListSpaces and may subscribe only to it; revoking a grant takes
// effect on the next call of a token already held; a changed password
// ends older tokens; wrong passwords are refused and throttled per user;
// users and the switch survive a restart.
#include <gtest/gtest.h>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "infinitedb/v1/admin.grpc.pb.h"
#include "infinitedb/v1/auth.grpc.pb.h"
#include "infinitedb/v1/branches.grpc.pb.h"
#include "infinitedb/v1/graph.grpc.pb.h"
#include "infinitedb/v1/records.grpc.pb.h"
#include "infinitedb/v1/replication.grpc.pb.h"
#include "infinitedb/v1/spaces.grpc.pb.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using grpc::StatusCode;

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(
        dir_.path() + "/data", std::vector<std::string>{});
    ASSERT_TRUE(server_->Start());
    Connect();
  }

  void Connect() {
    channel_ = grpc::CreateChannel(server_->address(),
                                   grpc::InsecureChannelCredentials());
    auth_ = v1::Auth::NewStub(channel_);
    spaces_ = v1::Spaces::NewStub(channel_);
    records_ = v1::Records::NewStub(channel_);
  }

  // A context carrying `token` ("" = no credentials).
  static std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
    if (!token.empty())
      context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }

  grpc::Status Login(const std::string& user, const std::string& password,
                     std::string* token) {
    v1::AuthenticateRequest request;
    request.set_user(user);
    request.set_password(password);
    v1::AuthenticateResponse response;
    grpc::Status status = auth_->Authenticate(As("").get(), request, &response);
    *token = response.token();
    return status;
  }

  grpc::Status AddUser(const std::string& token, const std::string& name,
                       const std::string& password) {
    v1::UserAddRequest request;
    request.set_name(name);
    request.set_password(password);
    v1::UserAddResponse response;
    return auth_->UserAdd(As(token).get(), request, &response);
  }

  grpc::Status Grant(const std::string& token, const std::string& role,
                     v1::Permission permission, const std::string& space,
                     bool revoke = false) {
    v1::RoleGrantRequest request;
    request.set_role(role);
    request.mutable_grant()->set_permission(permission);
    request.mutable_grant()->set_space(space);
    v1::RoleGrantResponse response;
    return revoke ? auth_->RoleRevokePermission(As(token).get(), request,
                                                &response)
                  : auth_->RoleGrantPermission(As(token).get(), request,
                                               &response);
  }

  grpc::Status GiveRole(const std::string& token, const std::string& user,
                        const std::string& role) {
    v1::RoleAddRequest add;
    add.set_name(role);
    v1::RoleAddResponse added;
    grpc::Status status = auth_->RoleAdd(As(token).get(), add, &added);
    if (!status.ok() && status.error_code() != StatusCode::ALREADY_EXISTS) {
      return status;
    }
    v1::UserRoleRequest request;
    request.set_user(user);
    request.set_role(role);
    v1::UserRoleResponse response;
    return auth_->UserGrantRole(As(token).get(), request, &response);
  }

  grpc::Status CreateSpace(const std::string& token, const std::string& name) {
    v1::CreateSpaceRequest request;
    request.set_name(name);
    request.set_dims(2);
    v1::CreateSpaceResponse response;
    return spaces_->CreateSpace(As(token).get(), request, &response);
  }

  grpc::Status Put(const std::string& token, const std::string& space,
                   uint32_t x, const std::string& value) {
    v1::PutRequest request;
    request.set_space(space);
    request.mutable_point()->add_coordinates(x);
    request.mutable_point()->add_coordinates(0);
    request.set_value(value);
    v1::WriteResponse response;
    return records_->Put(As(token).get(), request, &response);
  }

  // The value at (x, 0), "" when none; `status` receives the call's.
  std::string Get(const std::string& token, const std::string& space,
                  uint32_t x, grpc::Status* status) {
    v1::GetRequest request;
    request.set_space(space);
    request.mutable_point()->add_coordinates(x);
    request.mutable_point()->add_coordinates(0);
    v1::GetResponse response;
    *status = records_->Get(As(token).get(), request, &response);
    return response.found() ? response.record().value() : "";
  }

  std::vector<std::string> SpaceNames(const std::string& token) {
    v1::ListSpacesResponse response;
    grpc::Status status = spaces_->ListSpaces(
        As(token).get(), v1::ListSpacesRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> names;
    for (const v1::Space& space : response.spaces()) {
      names.push_back(space.name());
    }
    return names;
  }

  // Root and alice (read on space "a" through role "reader"), spaces a and
  // b with one record each, auth enabled; root's token in root_.
  void SetUpUsers() {
    ASSERT_TRUE(AddUser("", "root", "root-password").ok());
    ASSERT_TRUE(AddUser("", "alice", "alice-password").ok());
    ASSERT_TRUE(GiveRole("", "alice", "reader").ok());
    ASSERT_TRUE(Grant("", "reader", v1::READ, "a").ok());
    for (const char* space : {"a", "b"}) {
      ASSERT_TRUE(CreateSpace("", space).ok());
      ASSERT_TRUE(Put("", space, 1, "one").ok());
    }
    v1::AuthEnableResponse enabled;
    ASSERT_TRUE(
        auth_->AuthEnable(As("").get(), v1::AuthEnableRequest(), &enabled)
            .ok());
    ASSERT_TRUE(Login("root", "root-password", &root_).ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Auth::Stub> auth_;
  std::unique_ptr<v1::Spaces::Stub> spaces_;
  std::unique_ptr<v1::Records::Stub> records_;
  std::string root_;
};

TEST_F(AuthTest, EnableNeedsRoot) {
  v1::AuthEnableResponse response;
  grpc::Status status =
      auth_->AuthEnable(As("").get(), v1::AuthEnableRequest(), &response);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("root"), std::string::npos);
  v1::AuthStatusResponse state;
  ASSERT_TRUE(
      auth_->AuthStatus(As("").get(), v1::AuthStatusRequest(), &state).ok());
  EXPECT_FALSE(state.enabled());
  // Without auth, calls need no credentials.
  EXPECT_TRUE(CreateSpace("", "open").ok());
}

TEST_F(AuthTest, EveryRpcWithoutCredentialsIsUnauthenticated) {
  SetUpUsers();
  grpc::GenericStub generic(channel_);
  // Every service of every file, through one message of each file.
  const google::protobuf::FileDescriptor* files[] = {
      v1::CreateSpaceRequest::descriptor()->file(),
      v1::PutRequest::descriptor()->file(),
      v1::PutEdgeRequest::descriptor()->file(),
      v1::CreateBranchRequest::descriptor()->file(),
      v1::StatusRequest::descriptor()->file(),
      v1::SubscribeMessage::descriptor()->file(),
      v1::UserAddRequest::descriptor()->file()};
  int checked = 0;
  for (const google::protobuf::FileDescriptor* file : files) {
    ASSERT_EQ(file->service_count(), 1) << file->name();
    const google::protobuf::ServiceDescriptor* service = file->service(0);
    const std::string name(service->full_name());
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodDescriptor* method = service->method(m);
      if (method->name() == "Authenticate" || method->name() == "AuthStatus") {
        continue;  // open by design
      }
      const std::string path =
          "/" + std::string(name) + "/" + std::string(method->name());
      auto context = As("");
      grpc::CompletionQueue queue;
      std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
          generic.PrepareCall(context.get(), path, &queue);
      call->StartCall(reinterpret_cast<void*>(1));
      void* tag = nullptr;
      bool ok = false;
      ASSERT_TRUE(queue.Next(&tag, &ok));
      grpc::Slice nothing("");
      grpc::ByteBuffer empty(&nothing, 1);  // an empty request message
      call->Write(empty, reinterpret_cast<void*>(2));
      ASSERT_TRUE(queue.Next(&tag, &ok));
      call->WritesDone(reinterpret_cast<void*>(3));
      ASSERT_TRUE(queue.Next(&tag, &ok));
      grpc::Status status;
      call->Finish(&status, reinterpret_cast<void*>(4));
      while (queue.Next(&tag, &ok) && tag != reinterpret_cast<void*>(4)) {
      }
      EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED)
          << path << ": " << status.error_message();
      ++checked;
      queue.Shutdown();
      while (queue.Next(&tag, &ok)) {
      }
    }
  }
  EXPECT_GT(checked, 50);
}

TEST_F(AuthTest, ReadOnlyUserIsDeniedWritesAndSeesOnlyItsSpace) {
  SetUpUsers();
  std::string alice;
  ASSERT_TRUE(Login("alice", "alice-password", &alice).ok());
  grpc::Status status = Put(alice, "a", 1, "changed");
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("write on space 'a'"),
            std::string::npos)
      << status.error_message();
  EXPECT_EQ(Get(root_, "a", 1, &status), "one");  // nothing changed
  EXPECT_EQ(Get(alice, "a", 1, &status), "one");
  EXPECT_TRUE(status.ok());
  Get(alice, "b", 1, &status);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(SpaceNames(alice), std::vector<std::string>{"a"});
  EXPECT_EQ(SpaceNames(root_), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(CreateSpace(alice, "c").error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(AddUser(alice, "eve", "eve-password").error_code(),
            StatusCode::PERMISSION_DENIED);
  // A subscription: the whole stream needs replicate; one filtered to a
  // readable space is allowed.
  auto replication = v1::Replication::NewStub(channel_);
  for (const bool filtered : {false, true}) {
    auto context = As(alice);
    auto stream = replication->Subscribe(context.get());
    v1::SubscribeMessage start;
    start.mutable_start()->set_subscriber_id("alice-cdc");
    if (filtered) start.mutable_start()->add_spaces("a");
    ASSERT_TRUE(stream->Write(start));
    v1::SubscribeResponse message;
    const bool got = stream->Read(&message);
    if (filtered) {
      EXPECT_TRUE(got);
      context->TryCancel();
    }
    grpc::Status finished = stream->Finish();
    if (!filtered) {
      EXPECT_EQ(finished.error_code(), StatusCode::PERMISSION_DENIED)
          << finished.error_message();
    }
  }
}

TEST_F(AuthTest, RevokedGrantAndChangedPasswordTakeEffectOnTheNextCall) {
  SetUpUsers();
  std::string alice;
  ASSERT_TRUE(Login("alice", "alice-password", &alice).ok());
  grpc::Status status;
  Get(alice, "a", 1, &status);
  ASSERT_TRUE(status.ok());
  ASSERT_TRUE(Grant(root_, "reader", v1::READ, "a", /*revoke=*/true).ok());
  Get(alice, "a", 1, &status);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  // Root's token is untouched by the change to alice's role.
  Get(root_, "a", 1, &status);
  EXPECT_TRUE(status.ok());
  ASSERT_TRUE(Grant(root_, "reader", v1::READ, "a").ok());
  Get(alice, "a", 1, &status);
  EXPECT_TRUE(status.ok());

  v1::UserChangePasswordRequest change;
  change.set_name("alice");
  change.set_password("new-alice-password");
  v1::UserChangePasswordResponse changed;
  ASSERT_TRUE(
      auth_->UserChangePassword(As(alice).get(), change, &changed).ok());
  Get(alice, "a", 1, &status);
  EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(Login("alice", "new-alice-password", &alice).ok());
  Get(alice, "a", 1, &status);
  EXPECT_TRUE(status.ok());
}

TEST_F(AuthTest, WrongPasswordsAreRefusedAndThrottledPerUser) {
  SetUpUsers();
  std::string token;
  for (int i = 0; i < 3; ++i) {
    grpc::Status status = Login("alice", "wrong-password", &token);
    EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED);
  }
  // An unknown user gets the same answer.
  grpc::Status unknown = Login("nobody", "whatever-password", &token);
  EXPECT_EQ(unknown.error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(unknown.error_message(), "wrong user or password");
  // Throttled now, even with the right password; root is not.
  grpc::Status throttled = Login("alice", "alice-password", &token);
  EXPECT_EQ(throttled.error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(throttled.error_message().find("try again in"), std::string::npos);
  EXPECT_TRUE(Login("root", "root-password", &token).ok());
  std::ifstream file(server_->log_path());
  std::stringstream text;
  text << file.rdbuf();
  const std::string log = text.str();
  EXPECT_NE(log.find("[audit] authentication failed"), std::string::npos);
  EXPECT_EQ(log.find("wrong-password"), std::string::npos);
  EXPECT_EQ(log.find("alice-password"), std::string::npos);
}

TEST_F(AuthTest, UsersAndTheSwitchSurviveARestart) {
  SetUpUsers();
  server_->Stop();
  ASSERT_TRUE(server_->Start());
  Connect();
  EXPECT_EQ(CreateSpace("", "c").error_code(), StatusCode::UNAUTHENTICATED);
  std::string alice;
  ASSERT_TRUE(Login("alice", "alice-password", &alice).ok());
  EXPECT_EQ(SpaceNames(alice), std::vector<std::string>{"a"});
  // The token made before the restart still works (the key is kept).
  grpc::Status status;
  Get(root_, "b", 1, &status);
  EXPECT_TRUE(status.ok()) << status.error_message();
  v1::AuthDisableResponse disabled;
  EXPECT_EQ(
      auth_->AuthDisable(As(alice).get(), v1::AuthDisableRequest(), &disabled)
          .error_code(),
      StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(
      auth_->AuthDisable(As(root_).get(), v1::AuthDisableRequest(), &disabled)
          .ok());
  EXPECT_TRUE(CreateSpace("", "c").ok());
}

}  // namespace
}  // namespace infinitedb
