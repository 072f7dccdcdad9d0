// InfiniteDB's engine as a SpatialStore: default options (sync durability,
// 256 MiB block cache) but for the segment compression, one space "points".
#include "bench/spatial_store.h"
#include "engine/public/engine.h"

namespace infinitedb::bench {
namespace {

class EngineStore : public SpatialStore {
 public:
  explicit EngineStore(SegmentCompression codec) {
    options_.segment_compression = codec;
  }
  std::string name() const override {
    return options_.segment_compression == SegmentCompression::kZstd
               ? "infinitedb"
               : "infinitedb-" + std::string(SegmentCompressionName(
                                     options_.segment_compression));
  }

  absl::Status Create(const std::string& dir, int dims) override {
    options_.data_dir = dir;
    absl::Status status = Open();
    if (!status.ok()) return status;
    return engine_->CreateSpace("points", dims).status();
  }

  absl::Status InsertBatch(std::span<const Point> points,
                           std::span<const std::string> values) override {
    if (points.size() == 1) {
      return engine_->Put("main", "points", points[0], values[0]).status();
    }
    std::vector<MutationView> batch(points.size());
    for (size_t i = 0; i < points.size(); ++i) {
      batch[i] = {Mutation::Kind::kPut, "points", &points[i], values[i]};
    }
    return engine_->Batch("main", std::span<const MutationView>(batch))
        .status();
  }

  // Engine methods are thread-safe; concurrent commits share fdatasyncs.
  bool concurrent_writes() const override { return true; }

  absl::Status Flush() override { return engine_->Flush(); }

  absl::Status Reopen() override {
    engine_.reset();
    return Open();
  }

  absl::StatusOr<uint64_t> QueryBox(const Box& box,
                                    std::vector<Point>* points) override {
    uint64_t count = 0;
    absl::Status status =
        engine_->Query(ReadOptions(), "points", box, [&](const RecordView& r) {
          count += r.value.empty() ? 0 : 1;
          if (points != nullptr) points->push_back(r.point());
          return true;
        });
    if (!status.ok()) return status;
    return count;
  }

 private:
  absl::Status Open() {
    auto engine = Engine::Open(options_);
    if (!engine.ok()) return engine.status();
    engine_ = std::move(*engine);
    return absl::OkStatus();
  }

  EngineOptions options_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace

std::unique_ptr<SpatialStore> NewEngineStore(SegmentCompression codec) {
  return std::make_unique<EngineStore>(codec);
}

}  // namespace infinitedb::bench
