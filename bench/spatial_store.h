// What the points benchmark asks of each system under test: durable batched
// and single-record inserts (from one client, and from many at once), a flush
// to disk, and inclusive box queries. The engine and each peer implement it
// in their own file.
#ifndef INFINITEDB_BENCH_SPATIAL_STORE_H_
#define INFINITEDB_BENCH_SPATIAL_STORE_H_

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/public/options.h"
#include "engine/public/types.h"

namespace infinitedb::bench {

class SpatialStore {
 public:
  virtual ~SpatialStore() = default;
  virtual std::string name() const = 0;
  // Creates an empty store in `dir` for points of `dims` axes.
  virtual absl::Status Create(const std::string& dir, int dims) = 0;
  // One durable commit holding every (point, value) pair.
  virtual absl::Status InsertBatch(std::span<const Point> points,
                                   std::span<const std::string> values) = 0;
  // True when InsertBatch may be called from several threads at once, each
  // thread a client of its own whose commits proceed concurrently. When
  // false, the benchmark's concurrent clients take turns through a mutex
  // and the table says so.
  virtual bool concurrent_writes() const = 0;
  // Makes everything written reside in the store's on-disk structures.
  virtual absl::Status Flush() = 0;
  // Closes and reopens the store with empty caches (cold reads).
  virtual absl::Status Reopen() = 0;
  // The number of records inside the inclusive box, reading each one's
  // value; their points go to `points` unless it is null.
  virtual absl::StatusOr<uint64_t> QueryBox(const Box& box,
                                            std::vector<Point>* points) = 0;
};

// The engine with default options but segment blocks compressed with `codec`.
std::unique_ptr<SpatialStore> NewEngineStore(SegmentCompression codec);
// The engine behind infdb-server, over gRPC on loopback; over TLS, and with
// auth enabled (a token and a grant check on every call), when asked.
std::unique_ptr<SpatialStore> NewGrpcStore(bool tls = false, bool auth = false);
std::unique_ptr<SpatialStore> NewSqliteRtreeStore();
std::unique_ptr<SpatialStore> NewRocksDbStore();

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_SPATIAL_STORE_H_
