#include "bench/replication_bench.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench/server_launcher.h"
#include "bench/workload.h"
#include "client/infdb_client.h"

namespace infinitedb::bench {
namespace {

struct Commit {
  uint64_t revision;
  Clock::time_point acknowledged;
};

struct CursorSample {
  Clock::time_point at;
  uint64_t cursor;
};

client::Client Connect(const std::string& target) {
  client::ClientOptions options;
  options.target = target;
  return client::Client(options);
}

// Writes batches from one client until `stop`; records each commit.
void Write(client::Client& client, const ReplicationBenchConfig& config,
           int thread, const std::atomic<bool>& stop,
           std::vector<Commit>* commits, std::atomic<uint64_t>* errors) {
  SplitMix64 random(1000 + thread);
  std::string value(config.value_bytes, 'v');
  while (!stop.load()) {
    v1::BatchRequest request;
    for (int i = 0; i < config.batch_records; ++i) {
      v1::Mutation* m = request.add_mutations();
      m->set_space("points");
      for (int d = 0; d < config.dims; ++d) {
        m->mutable_point()->add_coordinates(random.Next() % kCoordinateLimit);
      }
      m->set_put_value(value);
    }
    absl::StatusOr<v1::CommitStamp> stamp = client.Batch(request);
    if (!stamp.ok()) {
      errors->fetch_add(1);
      continue;
    }
    commits->push_back({stamp->revision(), Clock::now()});
  }
}

}  // namespace

int RunReplicationBench(const ReplicationBenchConfig& config) {
  std::filesystem::remove_all(config.work_dir);
  ServerLauncher source_server;
  ServerLauncher follower_server;
  absl::StatusOr<std::string> source_target =
      source_server.Start(config.work_dir + "/source", {"--node-id=1"});
  if (!source_target.ok()) {
    std::fprintf(stderr, "%s\n", source_target.status().ToString().c_str());
    return 1;
  }
  absl::StatusOr<std::string> follower_target =
      follower_server.Start(config.work_dir + "/follower",
                            {"--node-id=2", "--peer=" + *source_target});
  if (!follower_target.ok()) {
    std::fprintf(stderr, "%s\n", follower_target.status().ToString().c_str());
    return 1;
  }
  client::Client source = Connect(*source_target);
  client::Client follower = Connect(*follower_target);
  if (absl::Status s = source.CreateSpace("points", config.dims).status();
      !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }

  // The follower's cursor for the source, sampled every 2 ms.
  std::vector<CursorSample> samples;
  std::atomic<bool> writers_done{false};
  std::atomic<uint64_t> final_revision{0};
  std::thread poller([&] {
    const auto deadline_after_writers = std::chrono::seconds(120);
    Clock::time_point writers_end;
    while (true) {
      absl::StatusOr<v1::ReplicationStatusResponse> status =
          follower.ReplicationStatus();
      if (status.ok() && status->sources_size() == 1) {
        samples.push_back({Clock::now(), status->sources(0).cursor()});
      }
      if (writers_done.load()) {
        if (writers_end == Clock::time_point()) writers_end = Clock::now();
        if (!samples.empty() && samples.back().cursor >= final_revision.load())
          return;
        if (Clock::now() - writers_end > deadline_after_writers) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });

  std::vector<std::vector<Commit>> commits(config.clients);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> errors{0};
  std::vector<std::thread> writers;
  Clock::time_point start = Clock::now();
  for (int t = 0; t < config.clients; ++t) {
    writers.emplace_back(Write, std::ref(source), std::cref(config), t,
                         std::cref(stop), &commits[t], &errors);
  }
  std::this_thread::sleep_for(
      std::chrono::milliseconds(static_cast<int64_t>(config.seconds * 1000)));
  stop.store(true);
  for (std::thread& writer : writers) writer.join();
  double write_ms = MillisecondsSince(start);
  uint64_t max_revision = 0;
  size_t commit_count = 0;
  for (const auto& list : commits) {
    commit_count += list.size();
    for (const Commit& commit : list) {
      max_revision = std::max(max_revision, commit.revision);
    }
  }
  final_revision.store(max_revision);
  writers_done.store(true);
  poller.join();

  if (samples.empty() || samples.back().cursor < max_revision) {
    std::fprintf(stderr, "the follower did not catch up (cursor %lu of %lu)\n",
                 samples.empty() ? 0ul : samples.back().cursor, max_revision);
    return 1;
  }
  // Lag of each commit: acknowledged on the source -> first sample whose
  // cursor covers it.
  std::vector<double> lags;
  for (const auto& list : commits) {
    for (const Commit& commit : list) {
      auto covered = std::lower_bound(
          samples.begin(), samples.end(), commit.revision,
          [](const CursorSample& s, uint64_t r) { return s.cursor < r; });
      double lag = std::chrono::duration<double, std::milli>(
                       covered->at - commit.acknowledged)
                       .count();
      lags.push_back(std::max(0.0, lag));
    }
  }
  Clock::time_point caught_up = samples.back().at;
  for (const CursorSample& s : samples) {
    if (s.cursor >= max_revision) {
      caught_up = s.at;
      break;
    }
  }
  double follow_ms =
      std::chrono::duration<double, std::milli>(caught_up - start).count();
  uint64_t records = commit_count * config.batch_records;

  absl::StatusOr<v1::ReplicationStatusResponse> status =
      follower.ReplicationStatus();
  v1::QueryRequest count_request;
  count_request.set_space("points");
  absl::StatusOr<v1::CountResponse> source_count = source.Count(count_request);
  absl::StatusOr<v1::CountResponse> follower_count =
      follower.Count(count_request);

  std::printf(
      "replication: %d clients x %d-record batches for %.0f s, dims %d, "
      "%d-byte "
      "values, sync durability on both nodes\n\n",
      config.clients, config.batch_records, config.seconds, config.dims,
      config.value_bytes);
  std::printf("| metric | value |\n| --- | --- |\n");
  std::printf("| commits acknowledged by the source | %zu (%lu errors) |\n",
              commit_count, errors.load());
  std::printf("| source ingest, records/s | %.0f |\n",
              records / (write_ms / 1000));
  std::printf(
      "| follower apply, records/s (first write to caught up) | %.0f |\n",
      records / (follow_ms / 1000));
  std::printf("| follower apply / source ingest | %.2fx |\n",
              write_ms / follow_ms);
  std::printf("| catch-up after the writers stopped, ms | %.0f |\n",
              follow_ms - write_ms);
  std::printf("| lag p50 / p90 / p99 / max, ms | %.1f / %.1f / %.1f / %.1f |\n",
              Percentile(lags, 50), Percentile(lags, 90), Percentile(lags, 99),
              Percentile(lags, 100));
  if (status.ok() && status->sources_size() == 1) {
    std::printf("| follower applied / stale operations | %lu / %lu |\n",
                status->sources(0).applied_ops(),
                status->sources(0).stale_ops());
  }
  if (source_count.ok() && follower_count.ok()) {
    std::printf("| records on source / follower | %lu / %lu |\n",
                source_count->count(), follower_count->count());
  }
  return source_count.ok() && follower_count.ok() &&
                 source_count->count() == follower_count->count()
             ? 0
             : 1;
}

}  // namespace infinitedb::bench
