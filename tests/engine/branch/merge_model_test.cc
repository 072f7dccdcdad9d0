// Random writes on a tree of branches, merges between any two of them with
// every strategy, conflicts resolved every way (or the merge aborted), and
// reopenings, checked after every step against an in-memory reference that
// applies the three-way rules to whole copies of each branch's state.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <random>

#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

using State = std::map<Point, std::string>;  // the live records

// The reference: each branch's state after each of its commits.
struct ReferenceBranch {
  std::string parent;
  Revision fork = 0;
  std::vector<std::pair<Revision, State>> states;  // ascending revisions

  const State& At(Revision revision) const {
    const State* found = &states.front().second;
    for (const auto& [at, state] : states) {
      if (at <= revision) found = &state;
    }
    return *found;
  }
};

class MergeModelTest : public ::testing::TestWithParam<int> {
 protected:
  void Open() {
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_.path();
    options.memtable_bytes_max = 8 << 10;  // seal often: segments too
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
  void Record(const std::string& branch, State state) {
    branches_[branch].states.push_back(
        {engine_->CurrentRevision(), std::move(state)});
  }
  State Current(const std::string& branch) {
    return branches_[branch].states.back().second;
  }
  // The base the engine must use: the newest merge's, else the nearest
  // common ancestor at the lower of the two caps.
  State Base(const std::string& source, const std::string& target) {
    auto recorded = bases_.find(std::minmax(source, target));
    if (recorded != bases_.end()) {
      return branches_[recorded->second.first].At(recorded->second.second);
    }
    auto caps = [&](std::string branch) {
      std::map<std::string, Revision> out;
      Revision cap = UINT64_MAX;
      while (true) {
        out[branch] = cap;
        const ReferenceBranch& b = branches_[branch];
        if (b.parent.empty()) return out;
        cap = std::min(cap, b.fork);
        branch = b.parent;
      }
    };
    auto from_source = caps(source), from_target = caps(target);
    for (std::string at = source;; at = branches_[at].parent) {
      if (from_target.contains(at)) {
        return branches_[at].At(std::min(from_source[at], from_target[at]));
      }
    }
  }
  void Check() {
    for (const auto& [name, reference] : branches_) {
      State actual;
      ASSERT_TRUE(engine_
                      ->Scan({name, 0}, "s",
                             [&](const RecordView& r) {
                               actual[r.point()] = std::string(r.value);
                               return true;
                             })
                      .ok());
      ASSERT_EQ(actual, reference.states.back().second) << "branch " << name;
    }
  }
  void Merge(const std::string& source, const std::string& target);

  ::infinitedb::testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::map<std::string, ReferenceBranch> branches_;
  std::map<std::pair<std::string, std::string>,
           std::pair<std::string, Revision>>
      bases_;
  std::mt19937 random_;
};

void MergeModelTest::Merge(const std::string& source,
                           const std::string& target) {
  const State base = Base(source, target);
  const State ours = Current(target);
  const State theirs = Current(source);
  std::set<Point> addresses;
  for (const State* s : {&base, &ours, &theirs}) {
    for (const auto& [point, value] : *s) addresses.insert(point);
  }
  auto get = [](const State& s, const Point& p) -> std::optional<std::string> {
    auto it = s.find(p);
    return it == s.end() ? std::nullopt : std::optional(it->second);
  };
  State result = ours;
  std::vector<Point> conflicts;
  uint64_t taken = 0;
  auto set = [&](const Point& p, std::optional<std::string> v) {
    if (v)
      result[p] = *v;
    else
      result.erase(p);
  };
  for (const Point& p : addresses) {
    auto b = get(base, p), o = get(ours, p), t = get(theirs, p);
    if (o == t || t == b) continue;
    if (o == b) {
      set(p, t);
      ++taken;
    } else {
      conflicts.push_back(p);
    }
  }
  const auto strategy = static_cast<MergeStrategy>(random_() % 3);
  auto dry = engine_->Merge({source, target, strategy, true});
  ASSERT_TRUE(dry.ok()) << dry.status();
  ASSERT_EQ(dry->taken, taken);
  ASSERT_EQ(dry->conflicts, conflicts.size());
  auto merged = engine_->Merge({source, target, strategy});
  ASSERT_TRUE(merged.ok()) << merged.status();
  const Revision theirs_revision = merged->theirs_revision;
  if (strategy == MergeStrategy::kPreferSource) {
    for (const Point& p : conflicts) set(p, get(theirs, p));
  }
  if (merged->in_progress) {
    if (random_() % 4 == 0) Open();  // conflicts survive a restart
    if (random_() % 5 == 0) {
      ASSERT_TRUE(engine_->AbortMerge(target).ok());
      return;  // nothing changes, no new base
    }
    for (const Point& p : conflicts) {
      ResolveRequest request;
      request.target = target;
      request.space = "s";
      request.point = p;
      request.resolution = static_cast<Resolution>(1 + random_() % 4);
      request.value = "resolved" + std::to_string(random_() % 3);
      ASSERT_TRUE(engine_->ResolveConflict(request).ok());
      switch (request.resolution) {
        case Resolution::kTheirs:
          set(p, get(theirs, p));
          break;
        case Resolution::kValue:
          set(p, request.value);
          break;
        case Resolution::kDelete:
          set(p, std::nullopt);
          break;
        default:
          break;
      }
    }
    auto committed = engine_->CommitMerge(target);
    ASSERT_TRUE(committed.ok()) << committed.status();
  }
  bases_[std::minmax(source, target)] = {source, theirs_revision};
  Record(target, std::move(result));
}

TEST_P(MergeModelTest, MergesMatchTheThreeWayReference) {
  random_.seed(GetParam());
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  branches_["main"].states.push_back({0, {}});
  std::vector<std::string> names = {"main"};
  for (int step = 0; step < 400; ++step) {
    const int what = random_() % 100;
    const std::string branch = names[random_() % names.size()];
    if (what < 4 && names.size() < 5) {
      const std::string name = "b" + std::to_string(names.size());
      ASSERT_TRUE(engine_->CreateBranch(name, branch).ok());
      branches_[name] = {branch,
                         engine_->CurrentRevision(),
                         {{engine_->CurrentRevision(), Current(branch)}}};
      names.push_back(name);
    } else if (what < 14 && names.size() > 1) {
      std::string other = names[random_() % names.size()];
      if (other != branch) Merge(branch, other);
    } else if (what < 16) {
      Open();
    } else {
      const Point point = {static_cast<uint32_t>(random_() % 6),
                           static_cast<uint32_t>(random_() % 6)};
      State next = Current(branch);
      if (random_() % 4 == 0) {
        ASSERT_TRUE(engine_->Delete(branch, "s", point).ok());
        next.erase(point);
      } else {
        const std::string value = "v" + std::to_string(random_() % 4);
        ASSERT_TRUE(engine_->Put(branch, "s", point, value).ok());
        next[point] = value;
      }
      Record(branch, std::move(next));
    }
    if (HasFatalFailure()) return;
    Check();
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, MergeModelTest, ::testing::Range(1, 9));

}  // namespace
}  // namespace infinitedb
