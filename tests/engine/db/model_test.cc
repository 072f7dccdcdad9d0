// Randomized model test of the engine: random puts, deletes, batches, branch
// creations, reopens, flushes and compactions (with tables small enough that
// sealing and background compaction happen all the time), with every read (Get,
// History, Scan, Query, at random revisions on random branches) checked against
// a small in-memory reference model.
#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/hilbert/hilbert.h"
#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

constexpr uint32_t kCoordinateMax = 0xFFFFFFFF;

// One version in the reference model; `value` is empty for a tombstone.
struct ModelVersion {
  CommitStamp stamp;
  bool deleted = false;
  std::string value;
};

// The engine's semantics, written as plainly as possible: every version of
// every (space, point, branch) in commit order, and reads that walk the
// branch chain (a branch sees its own versions <= as_of plus its parent's
// versions <= min(as_of, fork_revision), recursively).
class ReferenceModel {
 public:
  void AddBranch(const std::string& name, const std::string& parent,
                 Revision fork_revision) {
    branches_[name] = {name, parent, fork_revision};
  }
  const std::map<std::string, BranchInfo>& branches() const {
    return branches_;
  }

  // Applies one mutation of the commit `stamp`. A later mutation of the same
  // address in the same commit replaces the earlier one.
  void Apply(const std::string& branch, const Mutation& mutation,
             const CommitStamp& stamp) {
    bool deleted = mutation.kind == Mutation::Kind::kDelete;
    ModelVersion version{stamp, deleted, deleted ? "" : mutation.value};
    auto& versions = versions_[mutation.space][mutation.point][branch];
    if (!versions.empty() && versions.back().stamp.revision == stamp.revision) {
      versions.back() = version;
    } else {
      versions.push_back(version);
    }
  }

  // Every version visible on `branch` at `as_of` (never 0), newest first.
  std::vector<Record> History(const std::string& branch,
                              const std::string& space, const Point& point,
                              Revision as_of) const {
    std::vector<Record> records;
    auto space_it = versions_.find(space);
    if (space_it == versions_.end()) return records;
    auto point_it = space_it->second.find(point);
    if (point_it == space_it->second.end()) return records;
    Revision cap = as_of;
    for (std::string name = branch; !name.empty();) {
      auto own = point_it->second.find(name);
      if (own != point_it->second.end()) {
        for (const ModelVersion& v : own->second) {
          if (v.stamp.revision <= cap) {
            records.push_back({point, v.value, v.stamp, v.deleted});
          }
        }
      }
      const BranchInfo& info = branches_.at(name);
      cap = std::min(cap, info.fork_revision);
      name = info.parent;
    }
    std::sort(records.begin(), records.end(),
              [](const Record& a, const Record& b) {
                return a.stamp.revision > b.stamp.revision;
              });
    return records;
  }

  std::optional<Record> Get(const std::string& branch, const std::string& space,
                            const Point& point, Revision as_of) const {
    std::vector<Record> history = History(branch, space, point, as_of);
    if (history.empty() || history.front().deleted) return std::nullopt;
    return history.front();
  }

  // Live records inside `box` (all of them if null), sorted by point.
  std::vector<Record> Live(const std::string& branch, const std::string& space,
                           Revision as_of, const Box* box) const {
    std::vector<Record> records;
    for (const Point& point : Points(space)) {
      if (box != nullptr && !Inside(point, *box)) continue;
      std::optional<Record> record = Get(branch, space, point, as_of);
      if (record) records.push_back(*record);
    }
    return records;
  }

  // Every point ever written in `space` on any branch, sorted.
  std::vector<Point> Points(const std::string& space) const {
    std::vector<Point> points;
    auto space_it = versions_.find(space);
    if (space_it == versions_.end()) return points;
    for (const auto& [point, unused] : space_it->second)
      points.push_back(point);
    return points;
  }

  static bool Inside(const Point& point, const Box& box) {
    for (size_t axis = 0; axis < point.size(); ++axis) {
      if (point[axis] < box.min[axis] || point[axis] > box.max[axis]) {
        return false;
      }
    }
    return true;
  }

 private:
  std::map<std::string, BranchInfo> branches_;
  // space -> point -> branch -> versions in revision order.
  std::map<std::string,
           std::map<Point, std::map<std::string, std::vector<ModelVersion>>>>
      versions_;
};

std::string Describe(const Record& r) {
  return absl::StrFormat("(%s) rev=%d hlc=%d origin=%d %s'%s'",
                         absl::StrJoin(r.point, ","), r.stamp.revision,
                         r.stamp.hlc, r.stamp.origin,
                         r.deleted ? "tombstone " : "", r.value);
}

// Records as comparable strings; `by_point` sorts them first (scan and query
// results come in Hilbert order, the model's in point order).
std::vector<std::string> Describe(std::vector<Record> records, bool by_point) {
  if (by_point) {
    std::sort(
        records.begin(), records.end(),
        [](const Record& a, const Record& b) { return a.point < b.point; });
  }
  std::vector<std::string> lines;
  for (const Record& r : records) lines.push_back(Describe(r));
  return lines;
}

void ExpectHilbertOrder(const std::vector<Record>& records) {
  for (size_t i = 1; i < records.size(); ++i) {
    EXPECT_LT(hilbert::EncodeToString(records[i - 1].point),
              hilbert::EncodeToString(records[i].point))
        << "records " << i - 1 << " and " << i
        << " out of Hilbert order: " << Describe(records[i - 1]) << " then "
        << Describe(records[i]);
  }
}

struct SpaceSpec {
  std::string name;
  int dims;
  uint32_t coordinate_max;  // most coordinates are in [0, coordinate_max]
};

// Few addresses per space, so that versions stack up and batches repeat
// addresses; "wide" checks many dimensions.
const SpaceSpec kSpaces[] = {
    {"line", 1, 7}, {"plane", 2, 7}, {"cube", 3, 3}, {"wide", 8, 1}};
constexpr int kMaxBranches = 6;

class ModelTest : public ::testing::TestWithParam<uint32_t> {
 protected:
  ModelTest() : random_(GetParam()) {}

  void SetUp() override {
    model_.AddBranch(kMainBranch, "", 0);
    Open();
  }

  void Open() {
    engine_.reset();
    EngineOptions options;
    options.data_dir = dir_.path();
    options.durability = Durability::kAsync;
    // Small tables and cache so that sealing, compaction and block reads
    // happen all the time, at different moments for each seed.
    options.memtable_bytes_max = (8 << 10) * (1 + GetParam() % 4);
    options.compaction_trigger_segments = 2 + GetParam() % 3;
    options.block_cache_bytes = 64 << 10;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  uint32_t Uniform(uint32_t low, uint32_t high) {
    return std::uniform_int_distribution<uint32_t>(low, high)(random_);
  }
  bool OneIn(uint32_t n) { return Uniform(0, n - 1) == 0; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Uniform(0, items.size() - 1)];
  }

  // A revision in [1, newest], or 0 (newest) before the first commit.
  Revision RandomPastRevision() {
    return revision_ == 0 ? 0 : Uniform(1, revision_);
  }

  std::vector<std::string> BranchNames() const {
    std::vector<std::string> names;
    for (const auto& [name, unused] : model_.branches()) names.push_back(name);
    return names;
  }

  // Mostly small coordinates; now and then one at the far end of an axis.
  Point RandomPoint(const SpaceSpec& space) {
    Point point(space.dims);
    for (uint32_t& c : point) c = Uniform(0, space.coordinate_max);
    if (OneIn(32))
      point[Uniform(0, space.dims - 1)] =
          OneIn(2) ? kCoordinateMax : 0x80000000;
    return point;
  }
  // A point the model has seen written, or failing that a random one.
  Point KnownPoint(const SpaceSpec& space) {
    std::vector<Point> points = model_.Points(space.name);
    if (points.empty() || OneIn(4)) return RandomPoint(space);
    return Pick(points);
  }

  std::string RandomValue() {
    if (OneIn(20)) return "";  // an empty value is live, not a tombstone
    std::string value = absl::StrCat("v", revision_ + 1, ".", Uniform(0, 999));
    if (OneIn(10)) value.append(Uniform(1, 64), 'x');
    return value;
  }

  Box RandomBox(const SpaceSpec& space);
  void CommitAndApply(const std::string& branch,
                      const std::vector<Mutation>& mutations);
  void RandomWrite();
  void CreateNextSpace();
  void CreateRandomBranch();
  void ReopenAndCheckCatalog();
  void CheckReads(const std::string& branch, const SpaceSpec& space,
                  Revision as_of, int point_reads, int box_reads);
  void CheckRandomReads();

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::mt19937 random_;
  ReferenceModel model_;
  std::vector<SpaceSpec> spaces_;  // created so far
  Revision revision_ = 0;          // the newest committed revision
  uint64_t hlc_ = 0;               // the newest commit's HLC
};

Box ModelTest::RandomBox(const SpaceSpec& space) {
  Box box{Point(space.dims), Point(space.dims)};
  int kind = Uniform(0, 9);
  if (kind == 0) {  // whole space
    std::fill(box.max.begin(), box.max.end(), kCoordinateMax);
    return box;
  }
  if (kind <= 2) {  // a single point, usually a written one
    box.min = box.max = KnownPoint(space);
    return box;
  }
  const uint32_t past = space.coordinate_max + 1;
  for (int axis = 0; axis < space.dims; ++axis) {
    uint32_t a = Uniform(0, past);
    uint32_t b = Uniform(0, past);
    const std::pair<uint32_t, uint32_t> ranges[] = {
        {0, kCoordinateMax},
        {a, kCoordinateMax},
        {0, a},
        {a, a},
        {std::min(a, b), std::max(a, b)}};
    std::tie(box.min[axis], box.max[axis]) = ranges[Uniform(0, 4)];
  }
  if (kind == 3) {  // empty: between the small and the far coordinates
    int axis = Uniform(0, space.dims - 1);
    box.min[axis] = past;
    box.max[axis] = Uniform(past, 0x7FFFFFFF);
  }
  return box;
}

void ModelTest::CommitAndApply(const std::string& branch,
                               const std::vector<Mutation>& mutations) {
  absl::StatusOr<CommitStamp> stamp;
  const Mutation& first = mutations.front();
  if (mutations.size() > 1 || OneIn(3)) {
    stamp = engine_->Batch(branch, mutations);
  } else if (first.kind == Mutation::Kind::kPut) {
    stamp = engine_->Put(branch, first.space, first.point, first.value);
  } else {
    stamp = engine_->Delete(branch, first.space, first.point);
  }
  ASSERT_TRUE(stamp.ok()) << stamp.status();
  EXPECT_EQ(stamp->revision, revision_ + 1);
  EXPECT_GT(stamp->hlc, hlc_);
  EXPECT_EQ(stamp->origin, 1u);
  revision_ = stamp->revision;
  hlc_ = stamp->hlc;
  for (const Mutation& m : mutations) model_.Apply(branch, m, *stamp);
}

// A put, a delete, or a batch of 1..20 mutations over one or more spaces that
// often names an address several times.
void ModelTest::RandomWrite() {
  std::string branch = Pick(BranchNames());
  int count = OneIn(2) ? 1 : Uniform(1, 20);
  std::vector<Mutation> mutations;
  for (int i = 0; i < count; ++i) {
    Mutation m;
    if (!mutations.empty() && OneIn(3)) {
      const Mutation& earlier = Pick(mutations);
      m.space = earlier.space;
      m.point = earlier.point;
    } else {
      const SpaceSpec& space = Pick(spaces_);
      m.space = space.name;
      m.point = KnownPoint(space);
    }
    m.kind = OneIn(3) ? Mutation::Kind::kDelete : Mutation::Kind::kPut;
    if (m.kind == Mutation::Kind::kPut) m.value = RandomValue();
    mutations.push_back(std::move(m));
  }
  CommitAndApply(branch, mutations);
}

void ModelTest::CreateNextSpace() {
  const SpaceSpec& spec = kSpaces[spaces_.size()];
  absl::StatusOr<SpaceInfo> info = engine_->CreateSpace(spec.name, spec.dims);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->name, spec.name);
  EXPECT_EQ(info->dims, spec.dims);
  EXPECT_EQ(info->created_revision, revision_);
  spaces_.push_back(spec);
}

void ModelTest::CreateRandomBranch() {
  std::string parent = Pick(BranchNames());
  std::string name = absl::StrCat("b", model_.branches().size());
  Revision current = engine_->CurrentRevision();
  EXPECT_EQ(current, revision_);
  absl::StatusOr<BranchInfo> info = engine_->CreateBranch(name, parent);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->name, name);
  EXPECT_EQ(info->parent, parent);
  // The creation is a revision of its own (its record in __catalog), and
  // the branch is forked there.
  EXPECT_EQ(info->fork_revision, current + 1);
  EXPECT_EQ(engine_->CurrentRevision(), current + 1);
  revision_ = current + 1;
  model_.AddBranch(name, parent, revision_);
}

void ModelTest::ReopenAndCheckCatalog() {
  Open();
  ASSERT_NE(engine_, nullptr);
  EXPECT_EQ(engine_->CurrentRevision(), revision_);
  std::vector<std::string> spaces, expected_spaces;
  for (const SpaceInfo& s : engine_->ListSpaces()) {
    spaces.push_back(absl::StrCat(s.name, "/", s.dims));
  }
  for (const SpaceSpec& s : spaces_) {
    expected_spaces.push_back(absl::StrCat(s.name, "/", s.dims));
  }
  std::sort(spaces.begin(), spaces.end());
  std::sort(expected_spaces.begin(), expected_spaces.end());
  EXPECT_EQ(spaces, expected_spaces);
  std::vector<std::string> branches, expected_branches;
  for (const BranchInfo& b : engine_->ListBranches()) {
    branches.push_back(
        absl::StrCat(b.name, "<", b.parent, "@", b.fork_revision));
  }
  for (const auto& [name, b] : model_.branches()) {
    expected_branches.push_back(
        absl::StrCat(b.name, "<", b.parent, "@", b.fork_revision));
  }
  std::sort(branches.begin(), branches.end());
  EXPECT_EQ(branches, expected_branches);
}

// Checks a scan, `point_reads` Gets and Histories and `box_reads` queries of
// `space` on `branch` at `as_of` (0 = newest) against the model.
void ModelTest::CheckReads(const std::string& branch, const SpaceSpec& space,
                           Revision as_of, int point_reads, int box_reads) {
  SCOPED_TRACE(absl::StrCat("branch ", branch, ", space ", space.name,
                            ", as_of ", as_of, ", current ", revision_));
  ReadOptions options{branch, as_of};
  Revision at = as_of == 0 ? revision_ : as_of;
  absl::StatusOr<std::vector<Record>> scan =
      ScanAll(*engine_, options, space.name);
  ASSERT_TRUE(scan.ok()) << scan.status();
  ExpectHilbertOrder(*scan);
  EXPECT_EQ(Describe(*scan, true),
            Describe(model_.Live(branch, space.name, at, nullptr), false));
  for (int i = 0; i < point_reads; ++i) {
    Point point = KnownPoint(space);
    SCOPED_TRACE(absl::StrCat("point (", absl::StrJoin(point, ","), ")"));
    absl::StatusOr<std::optional<Record>> got =
        engine_->Get(options, space.name, point);
    ASSERT_TRUE(got.ok()) << got.status();
    std::optional<Record> want = model_.Get(branch, space.name, point, at);
    EXPECT_EQ(got->has_value() ? Describe(**got) : "absent",
              want ? Describe(*want) : "absent");
    absl::StatusOr<std::vector<Record>> history =
        engine_->History(options, space.name, point);
    ASSERT_TRUE(history.ok()) << history.status();
    EXPECT_EQ(Describe(*history, false),
              Describe(model_.History(branch, space.name, point, at), false));
  }
  for (int i = 0; i < box_reads; ++i) {
    Box box = RandomBox(space);
    SCOPED_TRACE(absl::StrCat("box [", absl::StrJoin(box.min, ","), "] - [",
                              absl::StrJoin(box.max, ","), "]"));
    absl::StatusOr<std::vector<Record>> query =
        QueryAll(*engine_, options, space.name, box);
    ASSERT_TRUE(query.ok()) << query.status();
    ExpectHilbertOrder(*query);
    EXPECT_EQ(Describe(*query, true),
              Describe(model_.Live(branch, space.name, at, &box), false));
  }
}

void ModelTest::CheckRandomReads() {
  EXPECT_EQ(engine_->CurrentRevision(), revision_);
  Revision as_of = OneIn(4) ? 0 : RandomPastRevision();
  CheckReads(Pick(BranchNames()), Pick(spaces_), as_of, 4, 4);
  absl::StatusOr<std::optional<Record>> beyond = engine_->Get(
      {kMainBranch, revision_ + 1}, spaces_.front().name, Point(1, 0));
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kOutOfRange);
}

TEST_P(ModelTest, EngineMatchesReferenceModel) {
  constexpr int kOperations = 600;
  CreateNextSpace();
  CreateNextSpace();
  for (int op = 0; op < kOperations && !HasFailure(); ++op) {
    SCOPED_TRACE(absl::StrCat("seed ", GetParam(), ", operation ", op));
    int dice = Uniform(0, 99);
    if (dice < 3) {
      if (spaces_.size() < std::size(kSpaces)) CreateNextSpace();
    } else if (dice < 7) {
      if (model_.branches().size() < kMaxBranches) CreateRandomBranch();
    } else if (dice < 8) {
      ReopenAndCheckCatalog();
      if (!HasFailure()) CheckRandomReads();
    } else if (dice < 10) {
      ASSERT_TRUE(engine_->Flush().ok());
      if (!HasFailure()) CheckRandomReads();
    } else if (dice < 11) {
      ASSERT_TRUE(engine_->Compact(OneIn(2) ? "" : Pick(spaces_).name).ok());
      if (!HasFailure()) CheckRandomReads();
    } else if (dice < 25) {
      CheckRandomReads();
    } else {
      RandomWrite();
    }
  }
  // Finally every space on every branch, newest and at a random revision.
  for (const std::string& branch : BranchNames()) {
    for (const SpaceSpec& space : spaces_) {
      if (HasFailure()) return;
      CheckReads(branch, space, 0, 20, 4);
      CheckReads(branch, space, RandomPastRevision(), 20, 4);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, ModelTest, ::testing::Range(1u, 7u));

}  // namespace
}  // namespace infinitedb
