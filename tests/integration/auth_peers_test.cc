// Integration test of auth over TLS between real server processes, with
// certificates made by the openssl command: with --client-cert-auth a
// certificate whose Common Name is a user acts as that user (its grants,
// no token), and one naming no user is UNAUTHENTICATED; users made on one
// server replicate to its peers, two peers calling each other as a user
// with the replicate grant converge, and a peer whose user lacks the grant
// is refused, applies nothing and says why in its replication status.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/run_command.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_certificates.h"

namespace infinitedb {
namespace {

constexpr auto kConvergeTimeout = std::chrono::seconds(40);

bool PollUntil(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + kConvergeTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

v1::Grant GrantOf(v1::Permission permission, const std::string& space) {
  v1::Grant grant;
  grant.set_permission(permission);
  grant.set_space(space);
  return grant;
}

class AuthPeersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(mkdir(certs_.Path("").c_str(), 0700), 0);
    for (bool made : {certs_.MakeCa("ca"), certs_.MakeServer("server", "ca"),
                      certs_.MakeClient("root", "ca", "root"),
                      certs_.MakeClient("alice", "ca", "alice"),
                      certs_.MakeClient("nobody", "ca", "nobody")}) {
      ASSERT_TRUE(made) << certs_.last_output();
    }
  }

  std::vector<std::string> MutualTlsFlags() const {
    return {"--cert-file=" + certs_.Path("server.pem"),
            "--key-file=" + certs_.Path("server.key"),
            "--trusted-ca-file=" + certs_.Path("ca.pem"), "--client-cert-auth"};
  }

  // Flags calling `peer` over TLS (with the alice certificate) as `user`
  // with password file `password_file`.
  std::vector<std::string> PeerFlags(const std::string& peer,
                                     const std::string& user,
                                     const std::string& password) {
    const std::string file = dir_.path() + "/" + user + ".password";
    std::ofstream(file, std::ios::trunc) << password << "\n";
    return {"--peer=" + peer,
            "--peer-trusted-ca-file=" + certs_.Path("ca.pem"),
            "--peer-cert-file=" + certs_.Path("alice.pem"),
            "--peer-key-file=" + certs_.Path("alice.key"),
            "--peer-user=" + user,
            "--peer-password-file=" + file};
  }

  std::unique_ptr<testing::ServerProcess> Server(
      const std::string& name, std::vector<std::string> flags,
      const std::string& listen = "") {
    auto server = std::make_unique<testing::ServerProcess>(
        dir_.path() + "/" + name, std::move(flags));
    if (!listen.empty()) server->set_listen_address(listen);
    return server;
  }

  // A TLS client of `server` presenting `identity`.pem.
  std::unique_ptr<client::Client> ClientOf(const testing::ServerProcess& server,
                                           const std::string& identity) {
    client::ClientOptions options;
    options.target = server.address();
    options.deadline = std::chrono::seconds(10);
    options.read_attempts = 1;
    options.tls.enabled = true;
    options.tls.root_certs = certs_.Read("ca.pem");
    options.tls.cert_chain = certs_.Read(identity + ".pem");
    options.tls.private_key = certs_.Read(identity + ".key");
    return std::make_unique<client::Client>(options);
  }

  static std::string Log(const testing::ServerProcess& server) {
    std::ifstream in(server.log_path());
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  static absl::StatusOr<std::string> ValueAt(client::Client& client, uint32_t x,
                                             uint32_t y) {
    v1::GetRequest get;
    get.set_space("s");
    get.mutable_point()->add_coordinates(x);
    get.mutable_point()->add_coordinates(y);
    absl::StatusOr<v1::GetResponse> got = client.Get(get);
    if (!got.ok()) return got.status();
    return got->record().value();
  }

  testing::TempDir dir_;
  testing::TestCertificates certs_{dir_.path() + "/certs"};
};

TEST_F(AuthPeersTest, CertificateCommonNameIsTheUser) {
  auto server = Server("data", MutualTlsFlags());
  ASSERT_TRUE(server->Start()) << Log(*server);
  auto root = ClientOf(*server, "root");
  ASSERT_TRUE(root->AddUser("root", "").ok());
  ASSERT_TRUE(root->AddUser("alice", "").ok());
  ASSERT_TRUE(root->AddRole("reader").ok());
  ASSERT_TRUE(root->GrantPermission("reader", GrantOf(v1::READ, "s")).ok());
  ASSERT_TRUE(root->GrantRole("alice", "reader").ok());
  ASSERT_TRUE(root->CreateSpace("s", 2).ok());
  ASSERT_TRUE(root->Put("", "s", {1, 2}, "v").ok());
  ASSERT_TRUE(root->EnableAuth().ok());

  auto alice = ClientOf(*server, "alice");
  absl::StatusOr<v1::AuthStatusResponse> who = alice->AuthStatus();
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_TRUE(who->enabled());
  EXPECT_EQ(who->user(), "alice");
  EXPECT_EQ(who->method(), "certificate");
  absl::StatusOr<std::string> value = ValueAt(*alice, 1, 2);
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, "v");
  absl::Status write = alice->Put("", "s", {1, 2}, "changed").status();
  EXPECT_TRUE(absl::IsPermissionDenied(write)) << write;
  EXPECT_NE(write.message().find("alice"), absl::string_view::npos) << write;
  EXPECT_EQ(*ValueAt(*root, 1, 2), "v");

  absl::Status stranger = ClientOf(*server, "nobody")->ListSpaces().status();
  EXPECT_TRUE(absl::IsUnauthenticated(stranger)) << stranger;
  EXPECT_NE(stranger.message().find("no user 'nobody'"),
            absl::string_view::npos)
      << stranger;

  // infdb-cli with the certificate acts as alice too.
  testing::CommandResult status = testing::RunShellCommand(
      std::string(INFDB_CLI_PATH) + " --server " + server->address() +
      " --timeout 10s --cacert " + certs_.Path("ca.pem") + " --cert " +
      certs_.Path("alice.pem") + " --key " + certs_.Path("alice.key") +
      " --output json auth status");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find(R"("user":"alice","method":"certificate")"),
            std::string::npos)
      << status.output;
}

TEST_F(AuthPeersTest, PeersWithReplicationUsersConvergeOthersAreRefused) {
  const std::string a_address =
      "127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  const std::string b_address =
      "127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  std::vector<std::string> a_flags = MutualTlsFlags();
  for (std::string flag : PeerFlags(b_address, "peer", "peer-password")) {
    a_flags.push_back(flag);
  }
  a_flags.push_back("--node-id=1");
  auto a = Server("a", a_flags, a_address);
  ASSERT_TRUE(a->Start()) << Log(*a);

  // Users, roles and the switch are made on a alone: b learns them from
  // a's change stream.
  auto on_a = ClientOf(*a, "root");
  ASSERT_TRUE(on_a->AddUser("root", "root-password").ok());
  ASSERT_TRUE(on_a->AddUser("peer", "peer-password").ok());
  ASSERT_TRUE(on_a->AddUser("reader", "reader-password").ok());
  ASSERT_TRUE(on_a->AddRole("replicator").ok());
  ASSERT_TRUE(
      on_a->GrantPermission("replicator", GrantOf(v1::REPLICATE, "*")).ok());
  ASSERT_TRUE(on_a->GrantRole("peer", "replicator").ok());
  ASSERT_TRUE(on_a->AddRole("everything-readable").ok());
  ASSERT_TRUE(
      on_a->GrantPermission("everything-readable", GrantOf(v1::READ, "*"))
          .ok());
  ASSERT_TRUE(on_a->GrantRole("reader", "everything-readable").ok());
  ASSERT_TRUE(on_a->CreateSpace("s", 2).ok());
  ASSERT_TRUE(on_a->EnableAuth().ok());
  ASSERT_TRUE(on_a->Authenticate("root", "root-password").ok());
  ASSERT_TRUE(on_a->Put("", "s", {1, 1}, "from a").ok());

  std::vector<std::string> b_flags = MutualTlsFlags();
  for (std::string flag : PeerFlags(a_address, "peer", "peer-password")) {
    b_flags.push_back(flag);
  }
  b_flags.push_back("--node-id=2");
  auto b = Server("b", b_flags, b_address);
  ASSERT_TRUE(b->Start()) << Log(*b);
  // A third server calling a as a user without the replicate grant.
  std::vector<std::string> c_flags = MutualTlsFlags();
  for (std::string flag : PeerFlags(a_address, "reader", "reader-password")) {
    c_flags.push_back(flag);
  }
  c_flags.push_back("--node-id=3");
  auto c = Server("c", c_flags);
  ASSERT_TRUE(c->Start()) << Log(*c);

  // b holds a's users once auth is on there: root logs in with a's
  // password and writes.
  auto on_b = ClientOf(*b, "alice");
  ASSERT_TRUE(PollUntil([&] {
    return on_b->Authenticate("root", "root-password").ok();
  })) << Log(*b);
  EXPECT_TRUE(
      absl::IsUnauthenticated(ClientOf(*b, "alice")->ListSpaces().status()));
  ASSERT_TRUE(PollUntil([&] {
    return on_b->Put("", "s", {2, 2}, "from b").ok();
  })) << Log(*b);

  EXPECT_TRUE(PollUntil([&] {
    absl::StatusOr<std::string> on_a_value = ValueAt(*on_a, 2, 2);
    absl::StatusOr<std::string> on_b_value = ValueAt(*on_b, 1, 1);
    return on_a_value.ok() && *on_a_value == "from b" && on_b_value.ok() &&
           *on_b_value == "from a";
  })) << Log(*a)
      << Log(*b);

  // c is refused by a, applies nothing and says why.
  auto on_c = ClientOf(*c, "alice");
  v1::SourceState state;
  EXPECT_TRUE(PollUntil([&] {
    absl::StatusOr<v1::ReplicationStatusResponse> status =
        on_c->ReplicationStatus();
    if (!status.ok() || status->sources_size() != 1) return false;
    state = status->sources(0);
    return state.last_error().find("replicate") != std::string::npos;
  })) << state.DebugString();
  EXPECT_NE(state.last_error().find("reader"), std::string::npos)
      << state.last_error();
  EXPECT_NE(state.state(), "streaming");
  EXPECT_EQ(state.applied_ops(), 0u);
  EXPECT_TRUE(absl::IsNotFound(on_c->GetSpace("s").status()));

  // The refusal is in a's audit log.
  EXPECT_NE(Log(*a).find("permission denied: user 'reader'"), std::string::npos)
      << Log(*a);
}

}  // namespace
}  // namespace infinitedb
