// Shared by the retention tests: readable descriptions of records, a log
// of writes that models what compaction must keep, and the test fixture.
#ifndef INFINITEDB_TESTS_ENGINE_DB_RETENTION_FIXTURE_H_
#define INFINITEDB_TESTS_ENGINE_DB_RETENTION_FIXTURE_H_

#include <gtest/gtest.h>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

// Disables size-tiered background compaction, so that only Compact() merges
// and the horizon moves only when a test asks.
constexpr size_t kNoBackgroundCompaction = 1'000'000;

// Space name -> the points whose Get and History a test checks.
using Addresses = std::map<std::string, std::vector<Point>>;

std::string Describe(const Record& r) {
  return absl::StrCat(
      "(", absl::StrJoin(r.point, ","), ")@", r.stamp.revision,
      " hlc=", r.stamp.hlc, " origin=", r.stamp.origin,
      r.deleted ? " tombstone" : absl::StrCat(" '", r.value, "'"));
}

std::string Describe(const std::vector<Record>& records) {
  std::vector<std::string> parts;
  for (const Record& r : records) parts.push_back(Describe(r));
  return absl::StrCat("[", absl::StrJoin(parts, "; "), "]");
}

std::string Describe(const absl::StatusOr<std::vector<Record>>& records) {
  return records.ok() ? Describe(*records) : records.status().ToString();
}

std::string Describe(const absl::StatusOr<std::optional<Record>>& record) {
  if (!record.ok()) return record.status().ToString();
  return record->has_value() ? Describe(**record) : "absent";
}

// One History read and what it returned.
struct HistoryRead {
  std::string branch;
  std::string space;
  Point point;
  absl::StatusOr<std::vector<Record>> records;
};

// Every read of a test at every revision of a range, on every branch: Scan of
// each space, Get and History of each address, keyed "Get main@17 plane
// (1,2)".
struct Observation {
  std::map<std::string, std::string> reads;  // Scan and Get
  std::map<std::string, HistoryRead> histories;
};

Observation Observe(Engine& engine, Revision first, Revision last,
                    const Addresses& addresses) {
  Observation observed;
  for (const BranchInfo& branch : engine.ListBranches()) {
    for (Revision as_of = first; as_of <= last; ++as_of) {
      ReadOptions options{branch.name, as_of};
      std::string at = absl::StrCat(branch.name, "@", as_of, " ");
      for (const auto& [space, points] : addresses) {
        observed.reads[absl::StrCat("Scan ", at, space)] =
            Describe(ScanAll(engine, options, space));
        for (const Point& point : points) {
          std::string where =
              absl::StrCat(at, space, " (", absl::StrJoin(point, ","), ")");
          observed.reads["Get " + where] =
              Describe(engine.Get(options, space, point));
          observed.histories["History " + where] = {
              branch.name, space, point, engine.History(options, space, point)};
        }
      }
    }
  }
  return observed;
}

std::map<std::string, std::string> Describe(
    const std::map<std::string, HistoryRead>& histories) {
  std::map<std::string, std::string> described;
  for (const auto& [key, read] : histories) {
    described[key] = Describe(read.records);
  }
  return described;
}

// Compares two sets of successful reads key by key, reporting the first few
// mismatches.
void ExpectSameReads(const std::map<std::string, std::string>& want,
                     const std::map<std::string, std::string>& got) {
  ASSERT_EQ(want.size(), got.size());
  int mismatches = 0;
  for (const auto& [key, result] : want) {
    // A described record, list of records or "absent", never a status.
    ASSERT_TRUE(result.starts_with("(") || result.starts_with("[") ||
                result == "absent")
        << key << ": " << result;
    auto it = got.find(key);
    ASSERT_NE(it, got.end()) << key;
    if (it->second == result) continue;
    if (++mismatches <= 10) {
      ADD_FAILURE() << key << "\n  want: " << result
                    << "\n  got:  " << it->second;
    }
  }
  EXPECT_EQ(mismatches, 0) << "reads that changed";
}

// The writes of a test, and the retention rule as specified, to say which
// versions a compaction that covers every segment keeps.
class WriteLog {
 public:
  WriteLog() { branches_[kMainBranch] = {kMainBranch, "", 0}; }

  void AddBranch(const BranchInfo& branch) { branches_[branch.name] = branch; }

  void Add(const std::string& branch, const Mutation& mutation,
           Revision revision) {
    // A later mutation of the same address in one batch replaces the earlier.
    versions_[{branch, mutation.space, mutation.point}][revision] =
        mutation.kind == Mutation::Kind::kDelete;
    branch_of_[revision] = branch;
  }

  bool Kept(const std::string& space, const Point& point, Revision revision,
            Revision horizon) const {
    const std::string& branch = branch_of_.at(revision);
    return KeptRevisions(branch, versions_.at({branch, space, point}), horizon)
        .contains(revision);
  }

  uint64_t KeptCount(const std::string& space, Revision horizon) const {
    uint64_t count = 0;
    for (const auto& [address, versions] : versions_) {
      const auto& [branch, address_space, point] = address;
      if (address_space != space) continue;
      count += KeptRevisions(branch, versions, horizon).size();
    }
    return count;
  }

 private:
  // Above the horizon everything; below it the newest version at or below
  // the horizon and at or below each child's fork; then, on main, the oldest
  // kept tombstones below the horizon go (they hide nothing), but never the
  // address's newest version (last-writer-wins replication needs it).
  std::set<Revision> KeptRevisions(const std::string& branch,
                                   const std::map<Revision, bool>& versions,
                                   Revision horizon) const {
    std::set<Revision> kept;
    std::vector<Revision> read_points = {horizon};
    for (const auto& [name, info] : branches_) {
      if (info.parent == branch && info.fork_revision < horizon) {
        read_points.push_back(info.fork_revision);
      }
    }
    for (const auto& [revision, deleted] : versions) {
      if (horizon == 0 || revision > horizon) kept.insert(revision);
    }
    if (horizon == 0) return kept;
    for (Revision read_point : read_points) {
      auto newer = versions.upper_bound(read_point);
      if (newer != versions.begin()) kept.insert(std::prev(newer)->first);
    }
    if (branch == kMainBranch) {
      while (kept.size() > 1 && *kept.begin() <= horizon &&
             versions.at(*kept.begin())) {
        kept.erase(kept.begin());
      }
    }
    return kept;
  }

  std::map<std::string, BranchInfo> branches_;
  std::map<Revision, std::string> branch_of_;
  // (branch, space, point) -> revision -> is a tombstone.
  std::map<std::tuple<std::string, std::string, Point>,
           std::map<Revision, bool>>
      versions_;
};

inline int SegmentFileCount(const std::string& data_dir) {
  int count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(data_dir + "/segments")) {
    if (entry.path().extension() == ".seg") ++count;
  }
  return count;
}

class RetentionTest : public ::testing::Test {
 protected:
  void Open(uint64_t retention_revisions,
            size_t compaction_trigger_segments = kNoBackgroundCompaction) {
    options_.data_dir = dir_.path();
    options_.durability = Durability::kAsync;
    options_.history_retention_revisions = retention_revisions;
    options_.compaction_trigger_segments = compaction_trigger_segments;
    Reopen();
  }

  void Reopen() {
    engine_.reset();
    auto engine = Engine::Open(options_);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  Revision Put(const std::string& branch, const std::string& space,
               const Point& point, const std::string& value) {
    auto stamp = engine_->Put(branch, space, point, value);
    EXPECT_TRUE(stamp.ok()) << stamp.status();
    return stamp.ok() ? stamp->revision : 0;
  }

  Revision Delete(const std::string& branch, const std::string& space,
                  const Point& point) {
    auto stamp = engine_->Delete(branch, space, point);
    EXPECT_TRUE(stamp.ok()) << stamp.status();
    return stamp.ok() ? stamp->revision : 0;
  }

  // The value of `point` on `branch` at `as_of` ("absent" if none).
  std::string ValueAt(const std::string& branch, const std::string& space,
                      const Point& point, Revision as_of = 0) {
    auto record = engine_->Get({branch, as_of}, space, point);
    if (!record.ok()) return record.status().ToString();
    return record->has_value() ? (*record)->value : "absent";
  }

  // The revisions History returns, newest first.
  std::vector<Revision> HistoryRevisions(const std::string& branch,
                                         const std::string& space,
                                         const Point& point) {
    std::vector<Revision> revisions;
    auto history = engine_->History({branch, 0}, space, point);
    EXPECT_TRUE(history.ok()) << history.status();
    if (!history.ok()) return revisions;
    for (const Record& r : *history) revisions.push_back(r.stamp.revision);
    return revisions;
  }

  testing::TempDir dir_;
  EngineOptions options_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace
}  // namespace infinitedb

#endif  // INFINITEDB_TESTS_ENGINE_DB_RETENTION_FIXTURE_H_
