// Integration test of TLS (server/server_tls.h, server/peer_credentials.h,
// the client's TlsOptions, infdb-cli's --cacert/--cert/--key) with
// certificates made by the openssl command: a plaintext client and one
// trusting another CA are refused; with --client-cert-auth a client needs a
// certificate of the trusted CA; new certificates are taken on SIGHUP while
// the server keeps serving, and bad ones are refused with the reason logged;
// bad files stop the start naming the flag; peers replicate over TLS.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/run_command.h"
#include "tests/integration/server_process.h"
#include "tests/integration/test_certificates.h"

namespace infinitedb {
namespace {

using Clock = std::chrono::steady_clock;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(mkdir(certs_dir().c_str(), 0700), 0);
    for (bool made :
         {certs_.MakeCa("ca"), certs_.MakeServer("server", "ca"),
          certs_.MakeClient("alice", "ca", "alice"), certs_.MakeCa("other-ca"),
          certs_.MakeServer("other-server", "other-ca"),
          certs_.MakeClient("mallory", "other-ca", "mallory")}) {
      ASSERT_TRUE(made) << certs_.last_output();
    }
  }

  std::string certs_dir() const { return dir_.path() + "/certs"; }
  std::string Cert(const std::string& file) const { return certs_.Path(file); }

  std::vector<std::string> TlsFlags() const {
    return {"--cert-file=" + Cert("server.pem"),
            "--key-file=" + Cert("server.key")};
  }
  std::vector<std::string> MutualTlsFlags() const {
    std::vector<std::string> flags = TlsFlags();
    flags.push_back("--trusted-ca-file=" + Cert("ca.pem"));
    flags.push_back("--client-cert-auth");
    return flags;
  }

  std::unique_ptr<testing::ServerProcess> StartServer(
      const std::string& name, std::vector<std::string> flags) {
    auto server = std::make_unique<testing::ServerProcess>(
        dir_.path() + "/" + name, std::move(flags));
    EXPECT_TRUE(server->Start()) << Log(*server);
    return server;
  }

  // A client of `server` trusting `ca` ("" = plaintext), presenting
  // `identity`.pem when given.
  std::unique_ptr<client::Client> ClientOf(const testing::ServerProcess& server,
                                           const std::string& ca,
                                           const std::string& identity = "") {
    client::ClientOptions options;
    options.target = server.address();
    options.deadline = std::chrono::seconds(5);
    options.read_attempts = 1;
    if (!ca.empty()) {
      options.tls.enabled = true;
      options.tls.root_certs = certs_.Read(ca + ".pem");
    }
    if (!identity.empty()) {
      options.tls.cert_chain = certs_.Read(identity + ".pem");
      options.tls.private_key = certs_.Read(identity + ".key");
    }
    return std::make_unique<client::Client>(options);
  }

  static std::string Log(const testing::ServerProcess& server) {
    std::ifstream in(server.log_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Waits up to 15 s for `line` in the log.
  static bool WaitForLog(const testing::ServerProcess& server,
                         const std::string& line) {
    const Clock::time_point end = Clock::now() + std::chrono::seconds(15);
    while (Clock::now() < end) {
      if (Log(server).find(line) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  void Copy(const std::string& from, const std::string& to) {
    std::ofstream(Cert(to), std::ios::trunc) << certs_.Read(from);
  }

  testing::TempDir dir_;
  testing::TestCertificates certs_{dir_.path() + "/certs"};
};

TEST_F(TlsTest, PlaintextAndWrongCaClientsAreRefusedTheRightCaWorks) {
  auto server = StartServer("data", TlsFlags());
  EXPECT_NE(Log(*server).find("TLS; /CN=server"), std::string::npos)
      << Log(*server);
  EXPECT_FALSE(ClientOf(*server, "")->Status().ok());
  EXPECT_FALSE(ClientOf(*server, "other-ca")->Status().ok());
  auto good = ClientOf(*server, "ca");
  ASSERT_TRUE(good->CreateSpace("s", 2).ok());
  ASSERT_TRUE(good->Put("", "s", {1, 2}, "v").ok());

  const std::string cli = std::string(INFDB_CLI_PATH) + " --server " +
                          server->address() + " --timeout 5s ";
  testing::CommandResult listed = testing::RunShellCommand(
      cli + "--cacert " + Cert("ca.pem") + " --output json space list");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("\"s\""), std::string::npos) << listed.output;
  testing::CommandResult by_env = testing::RunShellCommand(
      "INFDB_CACERT=" + Cert("ca.pem") + " " + cli + "get s --point 1,2");
  EXPECT_EQ(by_env.exit_code, 0) << by_env.output;
  EXPECT_EQ(testing::RunShellCommand(cli + "space list").exit_code, 3);
  testing::CommandResult unreadable = testing::RunShellCommand(
      cli + "--cacert " + Cert("missing.pem") + " space list");
  EXPECT_EQ(unreadable.exit_code, 2);
  EXPECT_NE(unreadable.output.find("--cacert"), std::string::npos);
}

TEST_F(TlsTest, ClientCertificatesAreRequiredWithClientCertAuth) {
  auto server = StartServer("data", MutualTlsFlags());
  EXPECT_NE(Log(*server).find("client certificates required"),
            std::string::npos)
      << Log(*server);
  EXPECT_FALSE(ClientOf(*server, "ca")->Status().ok());
  EXPECT_FALSE(ClientOf(*server, "ca", "mallory")->Status().ok());
  EXPECT_TRUE(ClientOf(*server, "ca", "alice")->Status().ok());

  const std::string cli = std::string(INFDB_CLI_PATH) + " --server " +
                          server->address() + " --timeout 5s --cacert " +
                          Cert("ca.pem");
  EXPECT_EQ(testing::RunShellCommand(cli + " space list").exit_code, 3);
  testing::CommandResult with_cert =
      testing::RunShellCommand(cli + " --cert " + Cert("alice.pem") +
                               " --key " + Cert("alice.key") + " space list");
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert.output;
}

TEST_F(TlsTest, NewCertificatesOnSighupWithoutDroppingTheServer) {
  Copy("server.pem", "live.pem");
  Copy("server.key", "live.key");
  auto server = StartServer("data", {"--cert-file=" + Cert("live.pem"),
                                     "--key-file=" + Cert("live.key")});
  auto before = ClientOf(*server, "ca");
  ASSERT_TRUE(before->CreateSpace("s", 1).ok());

  // Rotated to a certificate of another CA.
  Copy("other-server.pem", "live.pem");
  Copy("other-server.key", "live.key");
  server->Hangup();
  ASSERT_TRUE(
      WaitForLog(*server, "TLS certificates reloaded: /CN=other-server"))
      << Log(*server);
  bool switched = false;
  for (int attempt = 0; attempt < 100 && !switched; ++attempt) {
    switched = ClientOf(*server, "other-ca")->Status().ok();
    if (!switched) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(switched) << Log(*server);
  EXPECT_FALSE(ClientOf(*server, "ca")->Status().ok());
  // The connection made before keeps working.
  EXPECT_TRUE(before->Put("", "s", {1}, "after rotation").ok());

  // A broken file, and a key of another certificate: refused, logged, and
  // the certificates in use stay.
  std::ofstream(Cert("live.pem"), std::ios::trunc) << "not a certificate\n";
  server->Hangup();
  EXPECT_TRUE(WaitForLog(*server,
                         "keeping the certificates in use: --cert-file: holds "
                         "no PEM certificate"))
      << Log(*server);
  Copy("other-server.pem", "live.pem");
  Copy("server.key", "live.key");
  server->Hangup();
  EXPECT_TRUE(WaitForLog(*server, "--key-file: is not the private key"))
      << Log(*server);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(ClientOf(*server, "other-ca")->Status().ok()) << Log(*server);
  EXPECT_EQ(server->Stop(), 0);
}

TEST_F(TlsTest, BadFilesStopTheStartNamingTheFlag) {
  struct Case {
    std::vector<std::string> flags;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"--cert-file=" + Cert("server.pem")}, "--cert-file: needs --key-file"},
      {{"--cert-file=" + Cert("nothing.pem"),
        "--key-file=" + Cert("server.key")},
       "--cert-file: " + Cert("nothing.pem") + ": no such file"},
      {{"--cert-file=" + Cert("server.pem"), "--key-file=" + Cert("alice.key")},
       "--key-file: is not the private key of the certificate in --cert-file"},
      {{"--cert-file=" + Cert("server.key"),
        "--key-file=" + Cert("server.key")},
       "--cert-file: holds no PEM certificate"},
      {{"--cert-file=" + Cert("server.pem"), "--key-file=" + Cert("server.key"),
        "--client-cert-auth"},
       "--client-cert-auth: needs --trusted-ca-file"},
      {{"--peer=127.0.0.1:1", "--peer-trusted-ca-file=" + Cert("nothing.pem")},
       "--peer-trusted-ca-file: "},
  };
  int i = 0;
  for (const Case& bad : cases) {
    testing::ServerProcess server(dir_.path() + "/bad" + std::to_string(i++),
                                  bad.flags);
    EXPECT_FALSE(server.Start()) << bad.error;
    EXPECT_NE(Log(server).find(bad.error), std::string::npos) << Log(server);
  }
}

TEST_F(TlsTest, PeersReplicateOverMutualTls) {
  auto source = StartServer("a", MutualTlsFlags());
  std::vector<std::string> follower_flags = MutualTlsFlags();
  for (const std::string& flag :
       {std::string("--node-id=2"), "--peer=" + source->address(),
        "--peer-trusted-ca-file=" + Cert("ca.pem"),
        "--peer-cert-file=" + Cert("alice.pem"),
        "--peer-key-file=" + Cert("alice.key")}) {
    follower_flags.push_back(flag);
  }
  auto follower = StartServer("b", follower_flags);
  // A third server whose peer connection presents no certificate.
  auto refused = StartServer("c", {"--node-id=3", "--peer=" + source->address(),
                                   "--peer-trusted-ca-file=" + Cert("ca.pem")});

  auto writer = ClientOf(*source, "ca", "alice");
  ASSERT_TRUE(writer->CreateSpace("s", 2).ok());
  ASSERT_TRUE(writer->Put("", "s", {3, 4}, "replicated").ok());
  auto reader = ClientOf(*follower, "ca", "alice");
  bool arrived = false;
  for (int attempt = 0; attempt < 150 && !arrived; ++attempt) {
    v1::GetRequest get;
    get.set_space("s");
    get.mutable_point()->add_coordinates(3);
    get.mutable_point()->add_coordinates(4);
    absl::StatusOr<v1::GetResponse> got = reader->Get(get);
    arrived = got.ok() && got->record().value() == "replicated";
    if (!arrived) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(arrived) << Log(*follower);

  // The refused peer says why in its replication status.
  v1::SourceState state;
  for (int attempt = 0; attempt < 100 && state.last_error().empty();
       ++attempt) {
    absl::StatusOr<v1::ReplicationStatusResponse> status =
        ClientOf(*refused, "")->ReplicationStatus();
    ASSERT_TRUE(status.ok()) << status.status();
    ASSERT_EQ(status->sources_size(), 1);
    state = status->sources(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(state.state(), "streaming");
  EXPECT_FALSE(state.last_error().empty());
  EXPECT_EQ(state.applied_ops(), 0u);
}

}  // namespace
}  // namespace infinitedb
