#include "bench/ingest_bench.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "bench/workload.h"
#include "engine/public/engine.h"

namespace infinitedb::bench {
namespace {

struct Figures {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

// One writer appending 100-byte records to a file, fdatasync after each:
// the physical limit a single durable committer faces on this disk.
Figures RawFsyncRate(const std::string& dir, size_t count) {
  std::string path = dir + "/raw-fsync.dat";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::string record(100, 'r');
  std::vector<double> latencies;
  auto start = Clock::now();
  for (size_t i = 0; i < count; ++i) {
    auto t = Clock::now();
    if (::write(fd, record.data(), record.size()) < 0 || ::fdatasync(fd) != 0) {
      std::perror("raw fsync");
      break;
    }
    latencies.push_back(MillisecondsSince(t));
  }
  double seconds = MillisecondsSince(start) / 1000;
  ::close(fd);
  std::filesystem::remove(path);
  Figures f;
  f.per_second = latencies.size() / seconds;
  f.p50_ms = Percentile(latencies, 50);
  f.p99_ms = Percentile(latencies, 99);
  return f;
}

std::unique_ptr<Engine> FreshEngine(const std::string& dir, int dims) {
  std::filesystem::remove_all(dir);
  EngineOptions options;
  options.data_dir = dir;
  auto engine = Engine::Open(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "open: %s\n", engine.status().ToString().c_str());
    std::exit(1);
  }
  if (!(*engine)->CreateSpace("points", dims).ok()) std::exit(1);
  return std::move(*engine);
}

void CheckOk(const absl::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "engine error: %s\n", status.ToString().c_str());
  std::exit(1);
}

// Ingest B: single-record durable commits from one client.
Figures IngestSingle(Engine& engine, const std::vector<Point>& points,
                     size_t count) {
  std::vector<double> latencies;
  auto start = Clock::now();
  for (size_t i = 0; i < count; ++i) {
    auto t = Clock::now();
    CheckOk(engine.Put("main", "points", points[i], ValueFor(i)).status());
    latencies.push_back(MillisecondsSince(t));
  }
  Figures f;
  f.per_second = count / (MillisecondsSince(start) / 1000);
  f.p50_ms = Percentile(latencies, 50);
  f.p99_ms = Percentile(latencies, 99);
  return f;
}

// Ingest C: `clients` threads committing single records for `seconds`.
Figures IngestConcurrent(Engine& engine, const std::vector<Point>& points,
                         int clients, double seconds) {
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      while (!stop.load()) {
        size_t i = next.fetch_add(1) % points.size();
        auto t = Clock::now();
        CheckOk(engine.Put("main", "points", points[i], ValueFor(i)).status());
        latencies[c].push_back(MillisecondsSince(t));
      }
    });
  }
  EngineStats before = engine.Stats();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& thread : threads) thread.join();
  EngineStats after = engine.Stats();
  std::fprintf(stderr, "ingest C: %.1f commits per WAL write\n",
               double(after.wal_commits - before.wal_commits) /
                   double(after.wal_group_writes - before.wal_group_writes));
  double elapsed = MillisecondsSince(start) / 1000;
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  Figures f;
  f.per_second = all.size() / elapsed;
  f.p50_ms = Percentile(all, 50);
  f.p99_ms = Percentile(all, 99);
  return f;
}

// Ingest A: durable commits of `batch` records each.
Figures IngestBatched(Engine& engine, const std::vector<Point>& points,
                      size_t total, size_t batch) {
  std::vector<double> latencies;
  auto start = Clock::now();
  for (size_t first = 0; first < total; first += batch) {
    std::vector<Mutation> mutations;
    for (size_t i = first; i < std::min(total, first + batch); ++i) {
      mutations.push_back(Mutation::Put("points", points[i], ValueFor(i)));
    }
    auto t = Clock::now();
    CheckOk(engine.Batch("main", mutations).status());
    latencies.push_back(MillisecondsSince(t));
  }
  Figures f;
  f.per_second = total / (MillisecondsSince(start) / 1000);
  f.p50_ms = Percentile(latencies, 50);
  f.p99_ms = Percentile(latencies, 99);
  return f;
}

Figures MedianOf(const std::vector<Figures>& runs) {
  std::vector<double> rate, p50, p99;
  for (const Figures& f : runs) {
    rate.push_back(f.per_second);
    p50.push_back(f.p50_ms);
    p99.push_back(f.p99_ms);
  }
  return {Median(rate), Median(p50), Median(p99)};
}

void PrintRow(const char* workload, const char* system, const char* unit,
              const Figures& f, double baseline) {
  std::printf("| %-9s | %-34s | %12.0f %-9s | %8.3f | %8.3f | %7.2fx |\n",
              workload, system, f.per_second, unit, f.p50_ms, f.p99_ms,
              f.per_second / baseline);
}

}  // namespace

int RunIngestBench(const IngestConfig& config) {
  std::filesystem::create_directories(config.work_dir);
  size_t needed = std::max(config.single_commits, config.batched_records);
  std::vector<Point> points = GeneratePoints(config.dims, needed, 42);
  std::vector<Figures> raw, single, concurrent, batched;
  std::string db_dir = config.work_dir + "/engine";
  for (int rep = 0; rep <= config.repetitions; ++rep) {
    bool warm_up = rep == 0;
    Figures r = RawFsyncRate(config.work_dir, 2000);
    auto engine = FreshEngine(db_dir, config.dims);
    Figures b = IngestSingle(*engine, points, config.single_commits);
    Figures c = IngestConcurrent(*engine, points, config.concurrent_clients,
                                 config.concurrent_seconds);
    engine = FreshEngine(db_dir, config.dims);
    Figures a = IngestBatched(*engine, points, config.batched_records,
                              config.batch_records);
    engine.reset();
    std::fprintf(stderr,
                 "%s %d: raw %.0f/s, B %.0f/s, C %.0f/s, A %.0f rec/s\n",
                 warm_up ? "warm-up" : "run", rep, r.per_second, b.per_second,
                 c.per_second, a.per_second);
    if (warm_up) continue;
    raw.push_back(r);
    single.push_back(b);
    concurrent.push_back(c);
    batched.push_back(a);
  }
  std::filesystem::remove_all(db_dir);
  Figures raw_median = MedianOf(raw);
  std::printf(
      "\nDurable ingest, dims=%d, medians of %d runs (ratio = rate / "
      "raw single-writer fdatasync rate, same run)\n\n",
      config.dims, config.repetitions);
  std::printf(
      "| workload  | system                             |         rate "
      "          |  p50 ms  |  p99 ms  |  ratio  |\n");
  std::printf(
      "|-----------|------------------------------------|-------------"
      "-----------|----------|----------|---------|\n");
  PrintRow("raw", "append 100 B + fdatasync, 1 writer", "writes/s", raw_median,
           raw_median.per_second);
  PrintRow("ingest B", "infinitedb, 1 client, 1 rec/commit", "commits/s",
           MedianOf(single), raw_median.per_second);
  char label[64];
  std::snprintf(label, sizeof(label), "infinitedb, %d clients, 1 rec/commit",
                config.concurrent_clients);
  PrintRow("ingest C", label, "commits/s", MedianOf(concurrent),
           raw_median.per_second);
  std::snprintf(label, sizeof(label), "infinitedb, %zu rec/commit",
                config.batch_records);
  PrintRow("ingest A", label, "records/s", MedianOf(batched),
           raw_median.per_second);
  return 0;
}

}  // namespace infinitedb::bench
