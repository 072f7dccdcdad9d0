#include "bench/graph_bench.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "bench/child_process.h"
#include "bench/graph_run.h"
#include "bench/postgres_launcher.h"

namespace infinitedb::bench {
namespace {

// Seeds of the data and of the queries: fixed, so every run is the same.
constexpr uint64_t kWorkloadSeed = 42;
constexpr uint64_t kQuerySeed = 7;
// Problems printed per system when its answers differ from the reference.
constexpr size_t kProblemsShown = 5;

std::unique_ptr<GraphStore> NewStore(const std::string& name) {
  if (name == "infinitedb") return NewGraphEngineStore(/*graph_cache=*/true);
  if (name == "infinitedb-nocache") {
    return NewGraphEngineStore(/*graph_cache=*/false);
  }
  if (name == "sqlite") return NewGraphSqliteStore();
  if (name == "postgres") return NewGraphPostgresStore();
  return nullptr;
}

struct ChildOutcome {
  GraphResults results;
  bool failed = false;
  bool skipped = false;
  std::string message;  // why it failed or was skipped
};

// In the child: runs the system, writes its check log, and sends back its
// figures as "key value" lines, then "!skipped ..." or "!error ..." if so.
[[noreturn]] void RunChild(const std::string& name, const GraphRunInputs& in,
                           int out_fd) {
  std::ostringstream out;
  std::unique_ptr<GraphStore> store = NewStore(name);
  const std::string dir = in.config.work_dir + "/" + name;
  bool ok = false;
  if (store == nullptr) {
    out << "!error unknown system '" << name << "'\n";
  } else {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    SystemOutcome outcome = RunGraphSystem(*store, dir, in);
    store.reset();  // closes it (a server stops)
    for (const auto& [key, value] : outcome.results) {
      out << key << " " << value << "\n";
    }
    WriteCheckLog(in.config.work_dir + "/" + name + ".check", outcome.verified);
    ok = outcome.status.ok();
    if (ok) {
      std::filesystem::remove_all(dir);
    } else {
      out << (outcome.could_not_start ? "!skipped " : "!error ")
          << outcome.status.ToString() << " (files kept in " << dir << ")\n";
    }
  }
  std::string text = out.str();
  ssize_t written = write(out_fd, text.data(), text.size());
  _exit(ok && written == static_cast<ssize_t>(text.size()) ? 0 : 1);
}

ChildOutcome RunInChild(const std::string& name, const GraphRunInputs& in) {
  ChildRun run =
      RunInChildProcess([&](int out_fd) { RunChild(name, in, out_fd); });
  if (!run.started) return {{}, true, false, "pipe or fork failed"};
  if (name == "postgres") {
    PostgresLauncher::StopLeftover(in.config.work_dir + "/" + name);
  }
  ChildOutcome outcome;
  std::istringstream lines(run.output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("!skipped ")) {
      outcome.skipped = true;
      outcome.message = line.substr(9);
    } else if (line.starts_with("!error ")) {
      outcome.failed = true;
      outcome.message = line.substr(7);
    } else if (size_t space = line.find(' '); space != std::string::npos) {
      outcome.results[line.substr(0, space)] =
          std::atof(line.c_str() + space + 1);
    }
  }
  if (!outcome.skipped && !run.exited_ok) {
    outcome.failed = true;
    if (outcome.message.empty()) outcome.message = "the child process died";
  }
  outcome.results["peak_rss_mb"] = run.peak_rss_mb;
  return outcome;
}

void PrintWorkload(const GraphConfig& config, const GraphWorkload& workload) {
  uint64_t endpoints = 0, touched = 0;
  for (const WorkEdge& edge : workload.edges) endpoints += edge.endpoint_count;
  for (uint32_t degree : workload.degrees) touched += degree > 0;
  std::vector<uint32_t> top = workload.degrees;
  size_t shown = std::min<size_t>(5, top.size());
  std::partial_sort(top.begin(), top.begin() + shown, top.end(),
                    std::greater<uint32_t>());
  std::string degrees;
  for (size_t i = 0; i < shown; ++i) absl::StrAppend(&degrees, " ", top[i]);
  std::fprintf(stderr,
               "graph workload: %zu points, %zu edges (%llu endpoints), %zu "
               "hubs; %llu points have edges; highest degrees:%s\n",
               workload.points.size(), workload.edges.size(),
               static_cast<unsigned long long>(endpoints), workload.hubs,
               static_cast<unsigned long long>(touched), degrees.c_str());
}

// The reference's verified answers, computed in a child process so that
// its index never adds to the memory the systems' children inherit.
absl::StatusOr<CheckLog> ReferenceAnswers(const GraphRunInputs& in) {
  const std::string path = in.config.work_dir + "/reference.check";
  std::filesystem::remove(path);
  ChildRun run = RunInChildProcess([&](int) {
    std::unique_ptr<GraphStore> reference = NewGraphReferenceStore();
    (void)reference->LoadPoints(in.workload, 0, in.workload.points.size());
    (void)reference->InsertEdges(in.workload, 0, in.workload.edges.size());
    (void)reference->Flush();
    absl::StatusOr<CheckLog> answers = VerifiedAnswers(*reference, in);
    if (!answers.ok()) {
      std::fprintf(stderr, "reference: %s\n",
                   answers.status().ToString().c_str());
    }
    _exit(answers.ok() && WriteCheckLog(path, *answers) ? 0 : 1);
  });
  if (!run.started || !run.exited_ok) {
    return absl::InternalError("the reference answers could not be computed");
  }
  return ReadCheckLog(path);
}

}  // namespace

int RunGraphBench(const GraphConfig& config) {
  std::filesystem::create_directories(config.work_dir);
  GraphWorkload workload =
      GenerateGraphWorkload(config.points, config.edges, kWorkloadSeed);
  GraphQueries queries = MakeGraphQueries(workload, config.queries, kQuerySeed);
  PrintWorkload(config, workload);
  malloc_trim(0);  // the generator's scratch memory: not for the children
  GraphRunInputs inputs{config, workload, queries};
  absl::StatusOr<CheckLog> expected = ReferenceAnswers(inputs);
  if (!expected.ok()) {
    std::fprintf(stderr, "%s\n", expected.status().ToString().c_str());
    return 1;
  }
  bool failed = false;
  std::map<std::string, GraphResults> by_system;
  std::vector<std::string> notices;
  for (const std::string& system : config.systems) {
    std::fprintf(stderr, "running %s...\n", system.c_str());
    std::filesystem::remove(config.work_dir + "/" + system + ".check");
    ChildOutcome outcome = RunInChild(system, inputs);
    if (outcome.skipped) {
      notices.push_back(system +
                        " SKIPPED, it could not start: " + outcome.message);
      std::fprintf(stderr, "%s\n", notices.back().c_str());
      continue;
    }
    if (outcome.failed) {
      failed = true;
      notices.push_back(system + " FAILED: " + outcome.message);
      std::fprintf(stderr, "%s\n", notices.back().c_str());
    }
    std::vector<std::string> problems = CompareCheckLogs(
        *expected, ReadCheckLog(config.work_dir + "/" + system + ".check"));
    outcome.results["mismatches"] = problems.size();
    for (size_t i = 0; i < problems.size() && i < kProblemsShown; ++i) {
      notices.push_back(system + " MISMATCH " + problems[i]);
    }
    if (!problems.empty()) {
      failed = true;
      notices.push_back(absl::StrCat(system, ": ", problems.size(),
                                     " verified answers differ from the "
                                     "reference"));
    }
    by_system[system] = std::move(outcome.results);
  }
  PrintGraphTable(config, by_system);
  for (const std::string& notice : notices) std::printf("\n%s", notice.c_str());
  if (failed) std::printf("\n\nFAILED: an error or a result mismatch (above)");
  std::printf("\n");
  return failed ? 1 : 0;
}

}  // namespace infinitedb::bench
