// InfiniteDB over gRPC on loopback as a SpatialStore: starts an infdb-server
// process (ServerLauncher) and talks to it through the C++ client, so the
// cost of the network layer shows beside the embedded engine.

#include "bench/server_launcher.h"
#include "bench/spatial_store.h"
#include "client/infdb_client.h"

namespace infinitedb::bench {
namespace {

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
    absl::StatusOr<std::string> target = server_.Start(dir_, {});
    if (!target.ok()) return target.status();
    client::ClientOptions options;
    options.target = *target;
    client_ = std::make_unique<client::Client>(options);
    return absl::OkStatus();
  }

  void StopServer() {
    client_.reset();
    server_.Stop();
  }

  std::string dir_;
  ServerLauncher server_;
  std::unique_ptr<client::Client> client_;
};

}  // namespace

std::unique_ptr<SpatialStore> NewGrpcStore() {
  return std::make_unique<GrpcStore>();
}

}  // namespace infinitedb::bench
