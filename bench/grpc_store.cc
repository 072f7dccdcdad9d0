// InfiniteDB over gRPC on loopback as a SpatialStore: starts an infdb-server
// process (the binary next to infdb-bench in the build tree, or
// $INFDB_SERVER) on a free port and talks to it through the C++ client, so
// the cost of the network layer shows beside the embedded engine.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "bench/spatial_store.h"
#include "client/infdb_client.h"

namespace infinitedb::bench {
namespace {

std::string ServerBinary() {
  if (const char* path = std::getenv("INFDB_SERVER")) return path;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  return (self.parent_path().parent_path() / "server" / "infdb-server")
      .string();
}

class GrpcStore : public SpatialStore {
 public:
  ~GrpcStore() override { StopServer(); }
  std::string name() const override { return "infinitedb-grpc"; }

  absl::Status Create(const std::string& dir, int dims) override {
    dir_ = dir;
    if (absl::Status s = StartServer(); !s.ok()) return s;
    return client_->CreateSpace("points", dims).status();
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

  absl::Status Flush() override { return client_->Flush(); }

  absl::Status Reopen() override {
    StopServer();
    return StartServer();
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
  absl::Status StartServer() {
    std::string log_path = dir_ + "/server.log";
    std::filesystem::remove(log_path);
    pid_ = fork();
    if (pid_ == 0) {
      std::string data = "--data-dir=" + dir_ + "/data";
      freopen(log_path.c_str(), "w", stdout);
      freopen(log_path.c_str(), "a", stderr);
      std::string binary = ServerBinary();
      execl(binary.c_str(), binary.c_str(), data.c_str(),
            "--listen=127.0.0.1:0", "--log-level=warn", nullptr);
      _exit(127);
    }
    for (int attempt = 0; attempt < 300; ++attempt) {
      std::ifstream log(log_path);
      std::string line;
      while (std::getline(log, line)) {
        size_t at = line.find("listening on ");
        if (at == std::string::npos) continue;
        client::ClientOptions options;
        options.target = line.substr(at + 13);
        client_ = std::make_unique<client::Client>(options);
        return absl::OkStatus();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return absl::UnavailableError("infdb-server did not start; see " +
                                  log_path);
  }

  void StopServer() {
    client_.reset();
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string dir_;
  pid_t pid_ = -1;
  std::unique_ptr<client::Client> client_;
};

}  // namespace

std::unique_ptr<SpatialStore> NewGrpcStore() {
  return std::make_unique<GrpcStore>();
}

}  // namespace infinitedb::bench
