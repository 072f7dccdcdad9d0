// Peer: RocksDB with a space-filling-curve key. The key is the point's
// Hilbert key (the same curve as the engine's), the value the record; a box
// query seeks each Hilbert key range covering the box and filters the
// points. Sync writes; 256 MiB block cache; otherwise default options.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "absl/strings/str_format.h"
#include "bench/spatial_store.h"
#include "engine/public/hilbert_keys.h"

namespace infinitedb::bench {
namespace {

// Ranges a box is cut into, as in the engine.
constexpr size_t kKeyRangesMax = 64;

class RocksDbStore : public SpatialStore {
 public:
  std::string name() const override { return "rocksdb-hilbert"; }

  absl::Status Create(const std::string& dir, int dims) override {
    path_ = dir + "/rocksdb";
    dims_ = dims;
    return Open(/*create=*/true);
  }

  absl::Status InsertBatch(std::span<const Point> points,
                           std::span<const std::string> values) override {
    rocksdb::WriteBatch batch;
    for (size_t i = 0; i < points.size(); ++i) {
      batch.Put(HilbertKey(points[i]), values[i]);
    }
    rocksdb::WriteOptions options;
    options.sync = true;
    return Check(db_->Write(options, &batch), "write");
  }

  // DB::Write is thread-safe; RocksDB groups concurrent sync writes into one
  // WAL write and sync.
  bool concurrent_writes() const override { return true; }

  absl::Status Flush() override {
    return Check(db_->Flush(rocksdb::FlushOptions()), "flush");
  }

  absl::Status Reopen() override {
    db_.reset();
    return Open(/*create=*/false);
  }

  absl::StatusOr<uint64_t> QueryBox(const Box& box,
                                    std::vector<Point>* points) override {
    std::vector<HilbertKeyRange> ranges =
        HilbertRangesCovering(box, kKeyRangesMax);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    uint64_t count = 0;
    uint32_t point[16];
    for (const HilbertKeyRange& range : ranges) {
      for (it->Seek(range.first);
           it->Valid() && it->key().compare(range.last) <= 0; it->Next()) {
        DecodeHilbertKey(std::string_view(it->key().data(), it->key().size()),
                         std::span<uint32_t>(point, dims_));
        bool inside = true;
        for (int a = 0; a < dims_ && inside; ++a) {
          inside = point[a] >= box.min[a] && point[a] <= box.max[a];
        }
        if (!inside) continue;
        count += it->value().size() > 0 ? 1 : 0;
        if (points != nullptr) points->emplace_back(point, point + dims_);
      }
    }
    if (!it->status().ok()) return Check(it->status(), "query");
    return count;
  }

 private:
  absl::Status Open(bool create) {
    rocksdb::Options options;
    options.create_if_missing = create;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(256 << 20);
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    rocksdb::DB* db = nullptr;
    absl::Status status = Check(rocksdb::DB::Open(options, path_, &db), "open");
    db_.reset(db);
    return status;
  }

  static absl::Status Check(const rocksdb::Status& status, const char* what) {
    if (status.ok()) return absl::OkStatus();
    return absl::InternalError(
        absl::StrFormat("rocksdb %s: %s", what, status.ToString()));
  }

  std::string path_;
  int dims_ = 0;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace

std::unique_ptr<SpatialStore> NewRocksDbStore() {
  return std::make_unique<RocksDbStore>();
}

}  // namespace infinitedb::bench
