#include "bench/points_bench.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "bench/child_process.h"
#include "bench/spatial_store.h"
#include "bench/workload.h"

namespace infinitedb::bench {
namespace {

struct QueryClass {
  const char* name;
  double selectivity;
  size_t boxes;
};
constexpr QueryClass kClasses[] = {
    {"0.01%", 0.0001, 1000}, {"0.1%", 0.001, 200}, {"1%", 0.01, 50}};

std::vector<Box> MakeBoxes(int dims, const QueryClass& query_class,
                           uint64_t seed) {
  return SquareBoxes(dims, query_class.selectivity, query_class.boxes, seed);
}

std::unique_ptr<SpatialStore> NewStore(const std::string& name) {
  if (name == "infinitedb") return NewEngineStore(SegmentCompression::kZstd);
  if (name == "infinitedb-lz4") {
    return NewEngineStore(SegmentCompression::kLz4);
  }
  if (name == "infinitedb-grpc") return NewGrpcStore();
  if (name == "infinitedb-grpc-tls") return NewGrpcStore(true, false);
  if (name == "infinitedb-grpc-auth") return NewGrpcStore(false, true);
  if (name == "infinitedb-grpc-tls-auth") return NewGrpcStore(true, true);
  if (name == "sqlite-rtree") return NewSqliteRtreeStore();
  if (name == "rocksdb-hilbert") return NewRocksDbStore();
  return nullptr;
}

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

// Results go back to the parent as "key value" lines.
using Results = std::map<std::string, double>;

void Die(const absl::Status& status) {
  std::fprintf(stderr, "error: %s\n", status.ToString().c_str());
  std::exit(1);
}

void DropOsCaches() {
  sync();
  std::ofstream("/proc/sys/vm/drop_caches") << "3\n";  // best effort
}

void RunIngest(SpatialStore& store, const std::vector<Point>& points,
               const PointsConfig& config, Results* results) {
  // The values are made before the clock starts: only the stores are timed.
  std::vector<std::string> values;
  values.reserve(points.size());
  for (size_t i = 0; i < points.size(); ++i) values.push_back(ValueFor(i));
  auto start = Clock::now();
  for (size_t first = 0; first < config.records;
       first += config.batch_records) {
    size_t count =
        std::min(config.records, first + config.batch_records) - first;
    absl::Status s = store.InsertBatch(
        std::span<const Point>(points).subspan(first, count),
        std::span<const std::string>(values).subspan(first, count));
    if (!s.ok()) Die(s);
  }
  (*results)["ingest_a"] = config.records / (MillisecondsSince(start) / 1000);
  std::vector<double> latencies;
  start = Clock::now();
  for (size_t i = config.records; i < points.size(); ++i) {
    auto t = Clock::now();
    absl::Status s =
        store.InsertBatch(std::span<const Point>(&points[i], 1),
                          std::span<const std::string>(&values[i], 1));
    if (!s.ok()) Die(s);
    latencies.push_back(MillisecondsSince(t));
  }
  (*results)["ingest_b"] = latencies.size() / (MillisecondsSince(start) / 1000);
  (*results)["ingest_b_p99"] = Percentile(latencies, 99);
  if (absl::Status s = store.Flush(); !s.ok()) Die(s);
}

// Ingest C: `concurrent_clients` threads, each committing single records for
// `concurrent_seconds`. It runs after the queries, so that they and the bytes
// on disk see the same data in every system whatever its commit rate. Each
// client writes fresh random points (a rare repeat of an earlier point is an
// overwrite in the engine and RocksDB, a second row in SQLite); a store
// without concurrent_writes() gets the commits one at a time through a
// mutex, and the wait for it counts in the latency.
void RunConcurrentIngest(SpatialStore& store, int dims,
                         const PointsConfig& config, Results* results) {
  const int clients = config.concurrent_clients;
  const bool serialize = !store.concurrent_writes();
  std::mutex turn;
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(clients);
  auto client = [&](int c) {
    SplitMix64 random(1000 + c);
    for (size_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
      // The record is made before the clock starts.
      Point point(dims);
      for (uint32_t& x : point) {
        x = static_cast<uint32_t>(random.Next() % kCoordinateLimit);
      }
      std::string value = ValueFor(n * clients + c);
      auto t = Clock::now();
      absl::Status s;
      {
        std::unique_lock<std::mutex> lock(turn, std::defer_lock);
        if (serialize) lock.lock();
        s = store.InsertBatch(std::span<const Point>(&point, 1),
                              std::span<const std::string>(&value, 1));
      }
      if (!s.ok()) Die(s);
      latencies[c].push_back(MillisecondsSince(t));
    }
  };
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) threads.emplace_back(client, c);
  std::this_thread::sleep_for(
      std::chrono::duration<double>(config.concurrent_seconds));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  double seconds = MillisecondsSince(start) / 1000;
  std::vector<double> all;
  for (const std::vector<double>& l : latencies) {
    all.insert(all.end(), l.begin(), l.end());
  }
  (*results)["ingest_c"] = all.size() / seconds;
  (*results)["ingest_c_p99"] = Percentile(all, 99);
  (*results)["ingest_c_serialized"] = serialize ? 1 : 0;
}

uint64_t Verify(SpatialStore& store, const std::vector<Point>& points,
                const std::vector<Box>& boxes, size_t count) {
  uint64_t mismatches = 0;
  for (size_t b = 0; b < std::min(count, boxes.size()); ++b) {
    const Box& box = boxes[b];
    std::vector<Point> expected;
    for (const Point& p : points) {
      bool inside = true;
      for (size_t a = 0; a < p.size() && inside; ++a) {
        inside = p[a] >= box.min[a] && p[a] <= box.max[a];
      }
      if (inside) expected.push_back(p);
    }
    std::vector<Point> got;
    absl::StatusOr<uint64_t> n = store.QueryBox(box, &got);
    if (!n.ok()) Die(n.status());
    std::sort(expected.begin(), expected.end());
    std::sort(got.begin(), got.end());
    if (got != expected || *n != expected.size()) ++mismatches;
  }
  return mismatches;
}

// One timed pass over `boxes`: per-query latencies and total results.
std::vector<double> TimeQueries(SpatialStore& store,
                                const std::vector<Box>& boxes,
                                uint64_t* results) {
  std::vector<double> latencies;
  for (const Box& box : boxes) {
    auto t = Clock::now();
    absl::StatusOr<uint64_t> n = store.QueryBox(box, nullptr);
    if (!n.ok()) Die(n.status());
    latencies.push_back(MillisecondsSince(t));
    *results += *n;
  }
  return latencies;
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / v.size();
}

void RunQueries(SpatialStore& store, const std::vector<Point>& points, int dims,
                const PointsConfig& config, Results* results) {
  for (const QueryClass& query_class : kClasses) {
    std::string prefix = std::string("q") + query_class.name;
    std::vector<Box> boxes = MakeBoxes(dims, query_class, 7 + dims);
    (*results)[prefix + "_mismatches"] =
        Verify(store, points, boxes, config.verified_boxes);
    uint64_t found = 0;
    TimeQueries(store, boxes, &found);  // warm-up
    std::vector<double> means, p99s, rates;
    for (int pass = 0; pass < config.query_passes; ++pass) {
      found = 0;
      std::vector<double> latencies = TimeQueries(store, boxes, &found);
      double mean = Mean(latencies);
      means.push_back(mean);
      rates.push_back(found / (mean * boxes.size() / 1000));
      p99s.push_back(Percentile(latencies, 99));
    }
    (*results)[prefix + "_mean"] = Median(means);
    (*results)[prefix + "_p99"] = Median(p99s);
    (*results)[prefix + "_results_per_s"] = Median(rates);
    (*results)[prefix + "_avg_results"] = double(found) / boxes.size();
  }
  // Cold: reopen with empty caches (and the OS page cache dropped when
  // permitted) before each class.
  for (const QueryClass& query_class : kClasses) {
    std::string prefix = std::string("q") + query_class.name;
    if (absl::Status s = store.Reopen(); !s.ok()) Die(s);
    DropOsCaches();
    uint64_t found = 0;
    std::vector<double> latencies =
        TimeQueries(store, MakeBoxes(dims, query_class, 7 + dims), &found);
    (*results)[prefix + "_cold_mean"] = Mean(latencies);
    (*results)[prefix + "_cold_p99"] = Percentile(latencies, 99);
  }
}

void RunSystem(const std::string& name, int dims, const PointsConfig& config,
               const std::vector<Point>& points, int out_fd) {
  std::unique_ptr<SpatialStore> store = NewStore(name);
  std::string dir = config.work_dir + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  if (absl::Status s = store->Create(dir, dims); !s.ok()) Die(s);
  Results results;
  RunIngest(*store, points, config, &results);
  results["disk_mb"] = DirectoryBytes(dir) / 1e6;
  RunQueries(*store, points, dims, config, &results);
  RunConcurrentIngest(*store, dims, config, &results);
  store.reset();
  std::filesystem::remove_all(dir);
  std::ostringstream out;
  for (const auto& [key, value] : results) out << key << " " << value << "\n";
  std::string text = out.str();
  if (write(out_fd, text.data(), text.size()) < 0) std::exit(1);
}

// Runs one system in a child process; its results plus peak RSS.
Results RunInChild(const std::string& name, int dims,
                   const PointsConfig& config,
                   const std::vector<Point>& points) {
  ChildRun run = RunInChildProcess(
      [&](int out_fd) { RunSystem(name, dims, config, points, out_fd); });
  if (!run.started) std::exit(1);
  Results results;
  std::istringstream in(run.output);
  std::string key;
  double value;
  while (in >> key >> value) results[key] = value;
  results["failed"] = !run.exited_ok;
  results["peak_rss_mb"] = run.peak_rss_mb;
  return results;
}

}  // namespace

void PrintTable(int dims, const PointsConfig& config,
                const std::map<std::string, Results>& by_system);

int RunPointsBench(const PointsConfig& config) {
  bool failed = false;
  for (int dims : config.dims) {
    std::vector<Point> points =
        GeneratePoints(dims, config.records + config.single_commits, 42 + dims);
    std::map<std::string, Results> by_system;
    for (const std::string& system : config.systems) {
      std::fprintf(stderr, "dims %d: running %s...\n", dims, system.c_str());
      by_system[system] = RunInChild(system, dims, config, points);
      Results& r = by_system[system];
      failed = failed || r["failed"] != 0;
      for (const QueryClass& c : kClasses) {
        failed = failed || r[std::string("q") + c.name + "_mismatches"] != 0;
      }
    }
    PrintTable(dims, config, by_system);
  }
  if (failed) std::printf("\nFAILED: an error or a result mismatch (above)\n");
  return failed ? 1 : 0;
}

}  // namespace infinitedb::bench
