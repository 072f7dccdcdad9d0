// InfiniteDB over gRPC on loopback as a SpatialStore: starts an infdb-server
// process (ServerLauncher) and talks to it through the C++ client, so the
// cost of the network layer shows beside the embedded engine; optionally
// over TLS (a CA and server certificate made with the openssl command) and
// with auth enabled (the client a user granted write on the one space, so
// that every call passes a token check and a grant lookup).
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bench/server_launcher.h"
#include "bench/spatial_store.h"
#include "client/infdb_client.h"

namespace infinitedb::bench {
namespace {

constexpr char kUser[] = "bench";
constexpr char kPassword[] = "bench-password";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class GrpcStore : public SpatialStore {
 public:
  GrpcStore(bool tls, bool auth) : tls_(tls), auth_(auth) {}
  ~GrpcStore() override { StopServer(); }
  std::string name() const override {
    return std::string("infinitedb-grpc") + (tls_ ? "-tls" : "") +
           (auth_ ? "-auth" : "");
  }

  absl::Status Create(const std::string& dir, int dims) override {
    dir_ = dir;
    if (tls_) {
      if (absl::Status s = MakeCertificates(); !s.ok()) return s;
    }
    if (absl::Status s = StartServer(); !s.ok()) return s;
    if (absl::Status s = client_->CreateSpace("points", dims).status();
        !s.ok()) {
      return s;
    }
    if (!auth_) return absl::OkStatus();
    if (absl::Status s = EnableAuth(); !s.ok()) return s;
    return client_->Authenticate(kUser, kPassword);
  }

  absl::Status InsertBatch(std::span<const Point> points,
                           std::span<const std::string> values) override {
    if (points.size() == 1) {
      return client_->Put("", "points", points[0], values[0]).status();
    }
    v1::BatchRequest request;
    for (size_t i = 0; i < points.size(); ++i) {
      v1::Mutation* m = request.add_mutations();
      m->set_space("points");
      m->mutable_point()->mutable_coordinates()->Assign(points[i].begin(),
                                                        points[i].end());
      m->set_put_value(values[i]);
    }
    return client_->Batch(request).status();
  }

  // The client is thread-safe: concurrent callers share its one channel
  // (one HTTP/2 connection) and the server runs their rpcs in parallel.
  bool concurrent_writes() const override { return true; }

  // Flush needs admin: as root when auth is on.
  absl::Status Flush() override {
    if (!auth_) return client_->Flush();
    client::Client root(options_);
    if (absl::Status s = root.Authenticate("root", "root-password"); !s.ok()) {
      return s;
    }
    return root.Flush();
  }

  absl::Status Reopen() override {
    StopServer();
    if (absl::Status s = StartServer(); !s.ok()) return s;
    return auth_ ? client_->Authenticate(kUser, kPassword) : absl::OkStatus();
  }

  absl::StatusOr<uint64_t> QueryBox(const Box& box,
                                    std::vector<Point>* points) override {
    v1::QueryRequest request;
    request.set_space("points");
    request.mutable_box()->mutable_min()->mutable_coordinates()->Assign(
        box.min.begin(), box.min.end());
    request.mutable_box()->mutable_max()->mutable_coordinates()->Assign(
        box.max.begin(), box.max.end());
    uint64_t count = 0;
    absl::StatusOr<client::QuerySummary> summary =
        client_->Query(request, [&](const v1::Record& record) {
          count += record.value().empty() ? 0 : 1;
          if (points != nullptr) {
            points->emplace_back(record.point().coordinates().begin(),
                                 record.point().coordinates().end());
          }
          return true;
        });
    if (!summary.ok()) return summary.status();
    return count;
  }

 private:
  // A CA and a certificate for 127.0.0.1 signed by it, in <dir>/certs.
  absl::Status MakeCertificates() {
    const std::string certs = dir_ + "/certs";
    const std::string command =
        "mkdir -p " + certs + " && cd " + certs +
        " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
        "-nodes -days 2 -subj /CN=bench-ca -keyout ca.key -out ca.pem && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout "
        "server.key -out server.csr && openssl x509 -req -days 2 "
        "-copy_extensions copyall -in server.csr -CA ca.pem -CAkey ca.key "
        "-CAcreateserial -out server.pem";
    if (std::system((command + " > openssl.log 2>&1").c_str()) != 0) {
      return absl::InternalError("openssl could not make the certificates");
    }
    return absl::OkStatus();
  }

  // root, and the benchmark's user with write on "points"; then auth on.
  absl::Status EnableAuth() {
    v1::Grant grant;
    grant.set_permission(v1::WRITE);
    grant.set_space("points");
    for (absl::Status s :
         {client_->AddUser("root", "root-password"),
          client_->AddUser(kUser, kPassword), client_->AddRole("writer"),
          client_->GrantPermission("writer", grant),
          client_->GrantRole(kUser, "writer"), client_->EnableAuth()}) {
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status StartServer() {
    std::vector<std::string> flags = {"--auth-token-ttl=24h"};
    if (tls_) {
      flags.push_back("--cert-file=" + dir_ + "/certs/server.pem");
      flags.push_back("--key-file=" + dir_ + "/certs/server.key");
    }
    absl::StatusOr<std::string> target = server_.Start(dir_, flags);
    if (!target.ok()) return target.status();
    options_.target = *target;
    if (tls_) {
      options_.tls.enabled = true;
      options_.tls.root_certs = ReadFile(dir_ + "/certs/ca.pem");
    }
    client_ = std::make_unique<client::Client>(options_);
    return absl::OkStatus();
  }

  void StopServer() {
    client_.reset();
    server_.Stop();
  }

  const bool tls_;
  const bool auth_;
  std::string dir_;
  ServerLauncher server_;
  client::ClientOptions options_;
  std::unique_ptr<client::Client> client_;
};

}  // namespace

std::unique_ptr<SpatialStore> NewGrpcStore(bool tls, bool auth) {
  return std::make_unique<GrpcStore>(tls, auth);
}

}  // namespace infinitedb::bench
