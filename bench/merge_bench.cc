#include "bench/merge_bench.h"

#include <cstdio>
#include <filesystem>
#include <map>

#include "absl/strings/str_format.h"
#include "bench/workload.h"
#include "engine/public/engine.h"

namespace infinitedb::bench {
namespace {

constexpr char kSpace[] = "parts";
constexpr size_t kWriteBatch = 10'000;
constexpr uint64_t kPageLimit = 10'000;

// The steps timed, in order.
const std::vector<std::string>& Steps() {
  static const auto* steps = new std::vector<std::string>{
      "diff",           "dry run",     "merge (to conflicts)",
      "list conflicts", "resolve all", "commit"};
  return *steps;
}

using StepTimes = std::map<std::string, std::vector<double>>;

absl::Status Check(bool ok, const std::string& what) {
  return ok ? absl::OkStatus() : absl::InternalError("mismatch: " + what);
}

// Writes `values[i]` at `points[indexes[i]]` on `branch`, in batches.
absl::Status WriteAll(Engine& engine, const std::string& branch,
                      const std::vector<Point>& points,
                      const std::vector<size_t>& indexes,
                      const std::vector<std::string>& values) {
  std::vector<MutationView> batch;
  for (size_t i = 0; i < indexes.size(); ++i) {
    batch.push_back({Mutation::Kind::kPut, kSpace, &points[indexes[i]],
                     values[i], std::nullopt});
    if (batch.size() == kWriteBatch || i + 1 == indexes.size()) {
      absl::StatusOr<CommitStamp> stamp = engine.Batch(branch, batch);
      if (!stamp.ok()) return stamp.status();
      batch.clear();
    }
  }
  return absl::OkStatus();
}

absl::Status Load(Engine& engine, const std::vector<Point>& points) {
  if (auto space = engine.CreateSpace(kSpace, 3); !space.ok()) {
    return space.status();
  }
  std::vector<size_t> all(points.size());
  std::vector<std::string> values(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    all[i] = i;
    values[i] = ValueFor(i);
  }
  if (absl::Status s = WriteAll(engine, kMainBranch, points, all, values);
      !s.ok()) {
    return s;
  }
  return engine.Flush();
}

// Runs `step`, adds its time to `times`.
template <typename Step>
absl::Status Timed(StepTimes& times, const std::string& name, Step step) {
  Clock::time_point start = Clock::now();
  absl::Status status = step();
  times[name].push_back(MillisecondsSince(start));
  return status;
}

absl::Status OneMerge(Engine& engine, const MergeBenchConfig& config,
                      const std::vector<Point>& points, int rep,
                      StepTimes& times) {
  const std::string branch = absl::StrFormat("option-%d", rep);
  if (auto b = engine.CreateBranch(branch, kMainBranch); !b.ok()) {
    return b.status();
  }
  // The branch's addresses: spread over main, distinct per repetition.
  const size_t stride = points.size() / (config.changed * config.reps);
  std::vector<size_t> changed, conflicting;
  std::vector<std::string> theirs, ours;
  for (size_t j = 0; j < config.changed; ++j) {
    changed.push_back((j * config.reps + rep) * stride);
    theirs.push_back(absl::StrFormat("branch-%d-%d", rep, j));
    if (j % config.conflict_every == 0) {
      conflicting.push_back(changed.back());
      ours.push_back(absl::StrFormat("main-%d-%d", rep, j));
    }
  }
  if (absl::Status s = WriteAll(engine, branch, points, changed, theirs);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = WriteAll(engine, kMainBranch, points, conflicting, ours);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = engine.Flush(); !s.ok()) return s;

  absl::Status s = Timed(times, "diff", [&]() -> absl::Status {
    DiffRequest request{{kMainBranch, 0}, {branch, 0}};
    request.limit = kPageLimit;
    uint64_t entries = 0;
    do {
      absl::StatusOr<DiffPage> page =
          engine.Diff(request, [&](const DiffEntry&) {
            ++entries;
            return true;
          });
      if (!page.ok()) return page.status();
      request.cursor = page->next_cursor;
    } while (!request.cursor.empty());
    return Check(entries == config.changed, "diff entries");
  });
  if (!s.ok()) return s;
  MergeRequest merge{branch, kMainBranch};
  merge.dry_run = true;
  s = Timed(times, "dry run", [&]() -> absl::Status {
    absl::StatusOr<MergeResult> result = engine.Merge(merge);
    if (!result.ok()) return result.status();
    return Check(result->conflicts == conflicting.size() &&
                     result->taken == changed.size() - conflicting.size(),
                 "dry run counts");
  });
  if (!s.ok()) return s;
  merge.dry_run = false;
  s = Timed(times, "merge (to conflicts)", [&]() -> absl::Status {
    absl::StatusOr<MergeResult> result = engine.Merge(merge);
    if (!result.ok()) return result.status();
    return Check(result->in_progress && result->conflicts == conflicting.size(),
                 "merge conflicts");
  });
  if (!s.ok()) return s;
  s = Timed(times, "list conflicts", [&]() -> absl::Status {
    std::string cursor;
    uint64_t listed = 0;
    do {
      absl::StatusOr<ConflictPage> page = engine.ListConflicts(
          kMainBranch, kPageLimit, cursor, [&](const MergeConflict&) {
            ++listed;
            return true;
          });
      if (!page.ok()) return page.status();
      cursor = page->next_cursor;
    } while (!cursor.empty());
    return Check(listed == conflicting.size(), "listed conflicts");
  });
  if (!s.ok()) return s;
  s = Timed(times, "resolve all", [&]() -> absl::Status {
    ResolveRequest resolve;
    resolve.all = true;
    resolve.resolution = Resolution::kTheirs;
    return engine.ResolveConflict(resolve);
  });
  if (!s.ok()) return s;
  s = Timed(times, "commit", [&]() -> absl::Status {
    absl::StatusOr<MergeResult> result = engine.CommitMerge(kMainBranch);
    if (!result.ok()) return result.status();
    return Check(result->stamp.revision != 0 && !result->in_progress, "commit");
  });
  if (!s.ok()) return s;
  // Main now holds the branch's value at every changed address.
  for (size_t j = 0; j < changed.size(); j += 997) {
    absl::StatusOr<std::optional<Record>> record =
        engine.Get({kMainBranch, 0}, kSpace, points[changed[j]]);
    if (!record.ok()) return record.status();
    if (absl::Status c =
            Check(*record && (*record)->value == theirs[j], "merged value");
        !c.ok()) {
      return c;
    }
  }
  return absl::OkStatus();
}

// One main size: load, then config.reps merges; the step medians.
absl::StatusOr<std::map<std::string, double>> RunSize(
    const MergeBenchConfig& config, size_t records) {
  const std::string dir =
      absl::StrFormat("%s/main-%d", config.work_dir, records);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EngineOptions options;
  options.data_dir = dir;
  if (config.cache_mib != 0) options.block_cache_bytes = config.cache_mib << 20;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
  if (!engine.ok()) return engine.status();
  std::vector<Point> points = GeneratePoints(3, records, 42);
  Clock::time_point start = Clock::now();
  if (absl::Status s = Load(**engine, points); !s.ok()) return s;
  std::printf("main of %zu records loaded in %.1f s\n", records,
              MillisecondsSince(start) / 1000);
  StepTimes times;
  for (int rep = 0; rep < config.reps; ++rep) {
    if (absl::Status s = OneMerge(**engine, config, points, rep, times);
        !s.ok()) {
      return s;
    }
  }
  std::map<std::string, double> medians;
  for (const auto& [step, samples] : times) medians[step] = Median(samples);
  return medians;
}

}  // namespace

int RunMergeBench(const MergeBenchConfig& config) {
  std::vector<std::map<std::string, double>> results;
  for (size_t records : config.main_records) {
    if (records < config.changed * config.reps) {
      std::fprintf(stderr, "main of %zu records is smaller than %zu changes\n",
                   records, config.changed * config.reps);
      return 2;
    }
    absl::StatusOr<std::map<std::string, double>> medians =
        RunSize(config, records);
    if (!medians.ok()) {
      std::fprintf(stderr, "merge bench: %s\n",
                   medians.status().ToString().c_str());
      return 1;
    }
    results.push_back(std::move(*medians));
  }
  std::printf(
      "\nworkload merge: %zu changed records, every %zu-th also "
      "changed on main; medians of %d merges (ms)\n",
      config.changed, config.conflict_every, config.reps);
  std::printf("%-22s", "step");
  for (size_t records : config.main_records) {
    std::printf("  %12s", absl::StrFormat("main %zu", records).c_str());
  }
  std::printf("  %8s\n", "last/first");
  for (const std::string& step : Steps()) {
    std::printf("%-22s", step.c_str());
    for (const auto& medians : results)
      std::printf("  %12.1f", medians.at(step));
    std::printf("  %8.2f\n",
                results.back().at(step) / results.front().at(step));
  }
  return 0;
}

}  // namespace infinitedb::bench
