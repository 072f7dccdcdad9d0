// The memtable's sorted runs: after any mix of batches (sorted or not, of
// one version or thousands, in spaces of 1 to 16 dimensions, many versions
// per address), iteration yields every version once in internal-key order,
// Seek finds the first key >= any target, the number of runs stays
// logarithmic, and readers iterating while the writer adds see a sorted
// snapshot holding everything added before they started.
#include "engine/mvcc/memtable.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/common/key_compare.h"
#include "engine/hilbert/hilbert.h"
#include "engine/mvcc/internal_key.h"

namespace infinitedb::mvcc {
namespace {

struct KeyLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return CompareKeys(a, b) < 0;
  }
};

struct ModelVersion {
  Point point;
  CommitStamp stamp;
  bool deleted = false;
  std::string value;
};

using Model = std::map<std::string, ModelVersion, KeyLess>;

struct Op {
  uint32_t branch_id;
  uint32_t space_id;
  Point point;
  std::string hilbert_key;
  CommitStamp stamp;
  bool deleted;
  std::string value;

  std::string Key() const {
    return EncodeInternalKey(branch_id, space_id, hilbert_key, stamp.revision);
  }
};

// Spaces 1..4 with 1, 2, 3 and 16 dimensions; small coordinates so that
// addresses repeat across revisions.
Op RandomOp(std::mt19937_64& random, Revision revision) {
  static constexpr int kDims[] = {1, 2, 3, 16};
  uint32_t space = 1 + random() % 4;
  Op op;
  op.branch_id = 1 + random() % 2;
  op.space_id = space;
  op.point.resize(kDims[space - 1]);
  for (uint32_t& c : op.point) c = random() % 6;
  op.hilbert_key = hilbert::EncodeToString(op.point);
  op.stamp = CommitStamp{revision, 1000 + revision, 7};
  op.deleted = random() % 5 == 0;
  if (!op.deleted) op.value = "v" + std::to_string(random() % 100000);
  return op;
}

void ExpectMatchesModel(const MemTable& table, const Model& model) {
  std::unique_ptr<VersionIterator> it = table.NewIterator();
  auto expected = model.begin();
  for (it->Seek(std::string()); it->Valid(); it->Next(), ++expected) {
    ASSERT_NE(expected, model.end()) << "more versions than added";
    const VersionView& v = it->version();
    ASSERT_EQ(std::string(v.key), expected->first);
    EXPECT_EQ(v.stamp.revision, expected->second.stamp.revision);
    EXPECT_EQ(v.stamp.hlc, expected->second.stamp.hlc);
    EXPECT_EQ(v.deleted, expected->second.deleted);
    EXPECT_EQ(std::string(v.value), expected->second.value);
    ASSERT_EQ(v.dims(), static_cast<int>(expected->second.point.size()));
    for (int a = 0; a < v.dims(); ++a) {
      EXPECT_EQ(v.coordinate(a), expected->second.point[a]);
    }
  }
  EXPECT_EQ(expected, model.end()) << "versions missing";
  EXPECT_EQ(table.entry_count(), model.size());
}

TEST(MemTableTest, AnyMixOfBatchesIteratesInKeyOrder) {
  std::mt19937_64 random(11);
  MemTable table;
  Model model;
  Revision revision = 0;
  for (int batch = 0; batch < 400; ++batch) {
    ++revision;
    size_t size = batch % 7 == 0 ? 1 + random() % 3000 : 1 + random() % 40;
    std::vector<Op> ops;
    std::set<std::string> addresses;  // one version per address per commit
    for (size_t i = 0; i < size; ++i) {
      Op op = RandomOp(random, revision);
      if (addresses.insert(std::string(KeyAddress(op.Key()))).second) {
        ops.push_back(std::move(op));
      }
    }
    if (batch % 2 == 0) {  // sorted, as commits arrive; or any order
      std::sort(ops.begin(), ops.end(), [](const Op& a, const Op& b) {
        return CompareKeys(a.Key(), b.Key()) < 0;
      });
    }
    if (ops.size() == 1 && batch % 3 == 0) {
      const Op& op = ops[0];
      table.Add(op.branch_id, op.space_id, op.point, op.hilbert_key, op.stamp,
                op.deleted, op.value);
    } else {
      MemTable::BatchAdder adder(&table);
      for (const Op& op : ops) {
        adder.Add(op.branch_id, op.space_id, op.point, op.hilbert_key, op.stamp,
                  op.deleted, op.value);
      }
      adder.Finish();
    }
    for (const Op& op : ops) {
      model[op.Key()] = {op.point, op.stamp, op.deleted, op.value};
    }
    if (batch % 50 == 0) ExpectMatchesModel(table, model);
  }
  ExpectMatchesModel(table, model);
  // Runs shrink geometrically, so there are few of them.
  EXPECT_LE(table.run_count(), 12u);
  EXPECT_GE(table.MemoryUsageBytes(), model.size() * sizeof(RunEntry));
}

TEST(MemTableTest, SeekFindsTheFirstKeyAtOrAfterAnyTarget) {
  std::mt19937_64 random(5);
  MemTable table;
  Model model;
  for (Revision revision = 1; revision <= 300; ++revision) {
    MemTable::BatchAdder adder(&table);
    std::set<std::string> addresses;
    for (int i = 0; i < 20; ++i) {
      Op op = RandomOp(random, revision);
      if (!addresses.insert(std::string(KeyAddress(op.Key()))).second) {
        continue;
      }
      adder.Add(op.branch_id, op.space_id, op.point, op.hilbert_key, op.stamp,
                op.deleted, op.value);
      model[op.Key()] = {op.point, op.stamp, op.deleted, op.value};
    }
    adder.Finish();
  }
  std::unique_ptr<VersionIterator> it = table.NewIterator();
  for (int i = 0; i < 2000; ++i) {
    std::string target;
    if (i % 3 == 0) {  // a stored key exactly
      auto at = model.begin();
      std::advance(at, random() % model.size());
      target = at->first;
    } else if (i % 3 == 1) {  // an address prefix (no revision)
      Op op = RandomOp(random, 1 + random() % 400);
      target = std::string(KeyAddress(op.Key()));
    } else {  // a full key at a revision that may not exist
      target = RandomOp(random, 1 + random() % 400).Key();
    }
    it->Seek(target);
    auto expected = model.lower_bound(target);
    if (expected == model.end()) {
      EXPECT_FALSE(it->Valid());
    } else {
      ASSERT_TRUE(it->Valid());
      EXPECT_EQ(std::string(it->version().key), expected->first);
      it->Next();  // and the order continues from there
      ++expected;
      if (expected == model.end()) {
        EXPECT_FALSE(it->Valid());
      } else {
        ASSERT_TRUE(it->Valid());
        EXPECT_EQ(std::string(it->version().key), expected->first);
      }
    }
  }
}

TEST(MemTableTest, AnIteratorSeesWhatWasAddedBeforeItAndItsViewsStayValid) {
  MemTable table;
  Point point{1, 2};
  std::string hilbert_key = hilbert::EncodeToString(point);
  table.Add(1, 1, point, hilbert_key, {1, 1, 1}, false, "first");
  std::unique_ptr<VersionIterator> before = table.NewIterator();
  before->Seek(std::string());
  ASSERT_TRUE(before->Valid());
  std::string_view first_value = before->version().value;
  // Many more commits, merging the first run into larger ones.
  for (Revision revision = 2; revision < 200; ++revision) {
    table.Add(1, 1, point, hilbert_key, {revision, revision, 1}, false,
              "later");
  }
  EXPECT_EQ(first_value, "first");
  before->Next();
  EXPECT_FALSE(before->Valid()) << "saw a version added after it was made";
  std::unique_ptr<VersionIterator> after = table.NewIterator();
  size_t count = 0;
  for (after->Seek(std::string()); after->Valid(); after->Next()) ++count;
  EXPECT_EQ(count, 199u);
}

// What one fresh iterator over a table yields.
struct SnapshotScan {
  size_t count = 0;
  bool sorted = true;  // strictly increasing keys
};

SnapshotScan ScanSnapshot(const MemTable& table) {
  SnapshotScan scan;
  std::unique_ptr<VersionIterator> it = table.NewIterator();
  std::string previous;
  for (it->Seek(std::string()); it->Valid(); it->Next(), ++scan.count) {
    std::string key(it->version().key);
    if (scan.count > 0 && CompareKeys(previous, key) >= 0) scan.sorted = false;
    previous = std::move(key);
  }
  return scan;
}

// Reader threads that scan the table over and over while a test adds to
// it, counting snapshots that are out of order or miss versions added
// before they were taken.
class SnapshotReaders {
 public:
  SnapshotReaders(const MemTable* table, int threads) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, table] {
        while (!done_.load()) {
          size_t at_least = published_.load();
          SnapshotScan scan = ScanSnapshot(*table);
          if (!scan.sorted || scan.count < at_least) ++failures_;
        }
      });
    }
  }
  // `versions` more were added (and their batch finished).
  void Published(size_t versions) { published_.fetch_add(versions); }
  // Stops the readers; returns the number of bad snapshots.
  int Stop() {
    done_ = true;
    for (std::thread& t : threads_) t.join();
    return failures_.load();
  }

 private:
  std::atomic<size_t> published_{0};
  std::atomic<bool> done_{false};
  std::atomic<int> failures_{0};
  std::vector<std::thread> threads_;
};

TEST(MemTableTest, ReadersDuringWritesSeeSortedCompleteSnapshots) {
  MemTable table;
  SnapshotReaders readers(&table, 2);
  std::mt19937_64 random(3);
  for (Revision revision = 1; revision <= 3000; ++revision) {
    MemTable::BatchAdder adder(&table);
    size_t size = 1 + random() % 30;
    for (size_t i = 0; i < size; ++i) {
      Point point{static_cast<uint32_t>(random()),
                  static_cast<uint32_t>(random())};
      adder.Add(1, 1, point, hilbert::EncodeToString(point),
                {revision, revision, 1}, false, "v");
    }
    adder.Finish();
    readers.Published(size);
  }
  EXPECT_EQ(readers.Stop(), 0);
}

// Merges past RunSet::kInlineMergeEntries run on a thread of their own while
// commits go on; readers meanwhile still see sorted, complete snapshots, and
// once the merges end every version is there exactly once.
TEST(MemTableTest, LargeMergesInTheBackgroundKeepEveryVersionInOrder) {
  MemTable table;
  SnapshotReaders readers(&table, 1);
  std::mt19937_64 random(8);
  constexpr size_t kBatches = 250, kBatchSize = 1000;
  for (Revision revision = 1; revision <= kBatches; ++revision) {
    MemTable::BatchAdder adder(&table);
    for (size_t i = 0; i < kBatchSize; ++i) {
      Point point{static_cast<uint32_t>(random()),
                  static_cast<uint32_t>(random())};
      adder.Add(1, 1, point, hilbert::EncodeToString(point),
                {revision, revision, 1}, false, "v");
    }
    adder.Finish();
    readers.Published(kBatchSize);
  }
  EXPECT_EQ(readers.Stop(), 0);
  table.WaitForMerges();
  SnapshotScan scan = ScanSnapshot(table);
  EXPECT_TRUE(scan.sorted);
  EXPECT_EQ(scan.count, kBatches * kBatchSize);
  EXPECT_GE(table.background_merges(), 1u);
  EXPECT_LE(table.run_count(), 12u);
}

}  // namespace
}  // namespace infinitedb::mvcc
