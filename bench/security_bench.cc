#include "bench/security_bench.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "bench/spatial_store.h"
#include "bench/workload.h"

namespace infinitedb::bench {
namespace {

struct Variant {
  const char* name;
  bool tls;
  bool auth;
};
constexpr Variant kVariants[] = {{"plain", false, false},
                                 {"auth", false, true},
                                 {"tls", true, false},
                                 {"tls+auth", true, true}};
constexpr size_t kVariantCount = std::size(kVariants);

// Per variant, one sample per round of each metric.
struct Samples {
  std::vector<double> box_ms;  // mean latency of the 0.01% boxes
  std::vector<double> box_p99_ms;
  std::vector<double> ingest_b;  // commits/s
  std::vector<double> ingest_b_p99;
  std::vector<double> ingest_c;  // commits/s
};

void Fail(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "error: %s: %s\n", what.c_str(),
               status.ToString().c_str());
  std::exit(1);
}

void Load(SpatialStore& store, const std::vector<Point>& points) {
  constexpr size_t kBatch = 1000;
  std::vector<std::string> values;
  for (size_t i = 0; i < points.size(); ++i) values.push_back(ValueFor(i));
  for (size_t first = 0; first < points.size(); first += kBatch) {
    const size_t count = std::min(points.size(), first + kBatch) - first;
    absl::Status s = store.InsertBatch(
        std::span<const Point>(points).subspan(first, count),
        std::span<const std::string>(values).subspan(first, count));
    if (!s.ok()) Fail("load " + store.name(), s);
  }
  if (absl::Status s = store.Flush(); !s.ok()) Fail("flush", s);
}

// Mismatching boxes among the first `count`, against a brute-force scan.
size_t Verify(SpatialStore& store, const std::vector<Point>& points,
              const std::vector<Box>& boxes, size_t count) {
  size_t mismatches = 0;
  for (size_t b = 0; b < std::min(count, boxes.size()); ++b) {
    std::vector<Point> expected, got;
    for (const Point& p : points) {
      bool inside = true;
      for (size_t a = 0; a < p.size() && inside; ++a) {
        inside = p[a] >= boxes[b].min[a] && p[a] <= boxes[b].max[a];
      }
      if (inside) expected.push_back(p);
    }
    absl::StatusOr<uint64_t> n = store.QueryBox(boxes[b], &got);
    if (!n.ok()) Fail("verify", n.status());
    std::sort(expected.begin(), expected.end());
    std::sort(got.begin(), got.end());
    if (got != expected || *n != expected.size()) ++mismatches;
  }
  return mismatches;
}

void TimeBoxes(SpatialStore& store, const std::vector<Box>& boxes,
               Samples& samples) {
  std::vector<double> latencies;
  for (const Box& box : boxes) {
    const auto start = Clock::now();
    absl::StatusOr<uint64_t> n = store.QueryBox(box, nullptr);
    if (!n.ok()) Fail("query", n.status());
    latencies.push_back(MillisecondsSince(start));
  }
  double sum = 0;
  for (double ms : latencies) sum += ms;
  samples.box_ms.push_back(sum / latencies.size());
  samples.box_p99_ms.push_back(Percentile(latencies, 99));
}

// Ingest B: `points` committed one at a time by one client.
void TimeSingleCommits(SpatialStore& store, const std::vector<Point>& points,
                       Samples& samples) {
  std::vector<double> latencies;
  const auto start = Clock::now();
  for (size_t i = 0; i < points.size(); ++i) {
    const std::string value = ValueFor(i);
    const auto t = Clock::now();
    absl::Status s = store.InsertBatch(std::span<const Point>(&points[i], 1),
                                       std::span<const std::string>(&value, 1));
    if (!s.ok()) Fail("ingest B", s);
    latencies.push_back(MillisecondsSince(t));
  }
  samples.ingest_b.push_back(points.size() / (MillisecondsSince(start) / 1000));
  samples.ingest_b_p99.push_back(Percentile(latencies, 99));
}

// Ingest C: `clients` threads committing single records for `seconds`.
void TimeConcurrentCommits(SpatialStore& store, int dims, int clients,
                           double seconds, uint64_t seed, Samples& samples) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> commits{0};
  auto client = [&](int c) {
    SplitMix64 random(seed + c);
    while (!stop.load(std::memory_order_relaxed)) {
      Point point(dims);
      for (uint32_t& x : point) {
        x = static_cast<uint32_t>(random.Next() % kCoordinateLimit);
      }
      const std::string value = ValueFor(c);
      absl::Status s =
          store.InsertBatch(std::span<const Point>(&point, 1),
                            std::span<const std::string>(&value, 1));
      if (!s.ok()) Fail("ingest C", s);
      commits.fetch_add(1, std::memory_order_relaxed);
    }
  };
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) threads.emplace_back(client, c);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  samples.ingest_c.push_back(commits.load() /
                             (MillisecondsSince(start) / 1000));
}

void PrintRow(const char* label, const Samples (&samples)[kVariantCount],
              std::vector<double> Samples::*metric, bool higher_is_better) {
  std::printf("| %-30s |", label);
  const double plain = Median(samples[0].*metric);
  for (size_t v = 0; v < kVariantCount; ++v) {
    std::printf(" %10.3f |", Median(samples[v].*metric));
  }
  for (size_t v = 1; v < kVariantCount; ++v) {
    const double value = Median(samples[v].*metric);
    const double cost = higher_is_better ? plain / value : value / plain;
    std::printf(" %9.3fx |", cost);
  }
  std::printf("\n");
}

void PrintTable(const SecurityConfig& config,
                const Samples (&samples)[kVariantCount]) {
  std::printf(
      "\nTLS and auth through gRPC, dims=%d, %zu records; medians of %d "
      "interleaved rounds, each: %zu boxes of 0.01%%, ingest B %zu single "
      "commits, ingest C %d clients for %.1f s. cost = variant / plain for "
      "times, plain / variant for rates (1.05 = 5%% slower)\n\n",
      config.dims, config.records, config.rounds, config.boxes,
      config.single_commits, config.concurrent_clients,
      config.concurrent_seconds);
  std::printf("| %-30s |", "metric");
  for (const Variant& v : kVariants) std::printf(" %10s |", v.name);
  for (size_t v = 1; v < kVariantCount; ++v) {
    std::printf(" %10s |", (std::string(kVariants[v].name) + " cost").c_str());
  }
  std::printf("\n");
  PrintRow("0.01% box mean (ms)", samples, &Samples::box_ms, false);
  PrintRow("0.01% box p99 (ms)", samples, &Samples::box_p99_ms, false);
  PrintRow("ingest B (commits/s)", samples, &Samples::ingest_b, true);
  PrintRow("ingest B p99 (ms)", samples, &Samples::ingest_b_p99, false);
  PrintRow("ingest C (commits/s)", samples, &Samples::ingest_c, true);
}

}  // namespace

int RunSecurityBench(const SecurityConfig& config) {
  const std::vector<Point> points =
      GeneratePoints(config.dims, config.records, 42 + config.dims);
  const std::vector<Box> boxes =
      SquareBoxes(config.dims, 0.0001, config.boxes, 7 + config.dims);
  std::unique_ptr<SpatialStore> stores[kVariantCount];
  size_t mismatches = 0;
  for (size_t v = 0; v < kVariantCount; ++v) {
    const std::string dir = config.work_dir + "/security-" + std::to_string(v);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    stores[v] = NewGrpcStore(kVariants[v].tls, kVariants[v].auth);
    if (absl::Status s = stores[v]->Create(dir, config.dims); !s.ok()) {
      Fail(std::string("start ") + kVariants[v].name, s);
    }
    std::fprintf(stderr, "loading %s...\n", kVariants[v].name);
    Load(*stores[v], points);
    mismatches += Verify(*stores[v], points, boxes, config.verified_boxes);
    Samples warm_up;
    TimeBoxes(*stores[v], boxes, warm_up);
  }
  Samples samples[kVariantCount];
  for (int round = 0; round < config.rounds; ++round) {
    std::fprintf(stderr, "round %d of %d\n", round + 1, config.rounds);
    const std::vector<Point> singles =
        GeneratePoints(config.dims, config.single_commits,
                       1000 + static_cast<uint64_t>(round));
    for (size_t i = 0; i < kVariantCount; ++i) {
      const size_t v = (i + round) % kVariantCount;
      TimeBoxes(*stores[v], boxes, samples[v]);
      TimeSingleCommits(*stores[v], singles, samples[v]);
      TimeConcurrentCommits(*stores[v], config.dims, config.concurrent_clients,
                            config.concurrent_seconds, 5000 + round * 100,
                            samples[v]);
    }
  }
  PrintTable(config, samples);
  std::printf("\nmismatches in verified boxes: %zu\n", mismatches);
  for (size_t v = 0; v < kVariantCount; ++v) {
    stores[v].reset();
    std::filesystem::remove_all(config.work_dir + "/security-" +
                                std::to_string(v));
  }
  if (mismatches != 0) std::printf("\nFAILED: a result mismatch\n");
  return mismatches == 0 ? 0 : 1;
}

}  // namespace infinitedb::bench
