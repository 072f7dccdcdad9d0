// The compact stored records of format-2 blocks: expanding them gives back
// exactly the version records that were stored (keys rebuilt from branch,
// space, point and revision), for 1 to 16 dimensions, and the bounding box
// of each run of records; contents that are
// short, miscounted, of impossible dimensions or with unknown flag bits are
// refused.
#include "engine/segment/stored_record.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "engine/common/coding.h"
#include "engine/hilbert/hilbert.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/version_record.h"

namespace infinitedb::segment {
namespace {

struct Version {
  std::string record;  // mvcc version record
  RecordView view() const { return mvcc::DecodeVersionRecord(record.data()); }
};

Version MakeVersion(uint32_t branch, uint32_t space, const Point& point,
                    Revision revision, bool deleted, const std::string& value) {
  std::string key = mvcc::EncodeInternalKey(
      branch, space, hilbert::EncodeToString(point), revision);
  Version v;
  v.record.resize(mvcc::VersionRecordBytes(key.size(), value.size()));
  mvcc::EncodeVersionRecord(key, {revision, 1000 + revision, 7}, deleted, point,
                            value, v.record.data());
  return v;
}

std::string StoredBlock(const std::vector<Version>& versions, uint32_t branch,
                        uint32_t space, int dims) {
  std::string contents;
  AppendStoredBlockHeader(branch, space, dims, &contents);
  std::string_view previous;
  for (const Version& v : versions) {
    AppendStoredRecord(v.view(), previous, &contents);
    previous = mvcc::KeyHilbert(v.view().key);
  }
  PutFixed32(&contents, static_cast<uint32_t>(versions.size()));
  return contents;
}

TEST(StoredRecordTest, ExpandingGivesBackTheVersionRecords) {
  std::mt19937 rng(6);
  for (int dims : {1, 2, 3, 8, 16}) {
    std::vector<Version> versions;
    for (Revision revision = 1; revision <= 50; ++revision) {
      Point point(dims);
      for (uint32_t& c : point) c = rng();
      versions.push_back(MakeVersion(3, 9, point, revision, revision % 4 == 0,
                                     std::string(rng() % 40, 'x')));
    }
    std::sort(versions.begin(), versions.end(),
              [](const Version& a, const Version& b) {
                return a.view().key < b.view().key;
              });
    std::string expanded;
    ASSERT_TRUE(ExpandStoredBlock(StoredBlock(versions, 3, 9, dims), &expanded))
        << dims;
    // Records back to back, then their offsets, then the count.
    uint32_t count = DecodeFixed32(expanded.data() + expanded.size() - 4);
    ASSERT_EQ(count, versions.size());
    size_t offsets_at = expanded.size() - 4 - 4 * count;
    size_t at = 0;
    for (uint32_t i = 0; i < count; ++i) {
      EXPECT_EQ(DecodeFixed32(expanded.data() + offsets_at + 4 * i), at);
      const std::string& record = versions[i].record;
      ASSERT_EQ(expanded.substr(at, record.size()), record) << dims << " " << i;
      at += record.size();
    }
    EXPECT_EQ(at, offsets_at);
  }
}

TEST(StoredRecordTest, ExpandingGivesTheBoundsOfEachRunOfRecords) {
  std::mt19937 rng(8);
  for (int dims : {1, 3, 16}) {
    std::vector<Version> versions;
    for (Revision revision = 1; revision <= 70; ++revision) {
      Point point(dims);
      for (uint32_t& c : point) c = rng() % 1000;
      versions.push_back(MakeVersion(3, 9, point, revision, false, "v"));
    }
    std::sort(versions.begin(), versions.end(),
              [](const Version& a, const Version& b) {
                return a.view().key < b.view().key;
              });
    constexpr uint32_t kRun = 32;
    std::string expanded;
    std::vector<uint32_t> bounds;
    ASSERT_TRUE(ExpandStoredBlock(StoredBlock(versions, 3, 9, dims), &expanded,
                                  kRun, &bounds));
    // Runs of 32, 32 and 6 records: each the least, then the greatest,
    // coordinate per axis.
    std::vector<uint32_t> expected;
    for (size_t first = 0; first < versions.size(); first += kRun) {
      std::vector<uint32_t> least(dims, UINT32_MAX), greatest(dims, 0);
      for (size_t i = first; i < std::min(first + kRun, versions.size()); ++i) {
        for (int a = 0; a < dims; ++a) {
          least[a] = std::min(least[a], versions[i].view().coordinate(a));
          greatest[a] = std::max(greatest[a], versions[i].view().coordinate(a));
        }
      }
      expected.insert(expected.end(), least.begin(), least.end());
      expected.insert(expected.end(), greatest.begin(), greatest.end());
    }
    EXPECT_EQ(bounds, expected) << dims;
  }
}

TEST(StoredRecordTest, MalformedContentsAreRefused) {
  std::vector<Version> versions = {MakeVersion(1, 2, {5, 6}, 1, false, "ab"),
                                   MakeVersion(1, 2, {7, 8}, 2, false, "cd")};
  const std::string good = StoredBlock(versions, 1, 2, 2);
  std::string out;
  ASSERT_TRUE(ExpandStoredBlock(good, &out));
  auto with_count = [&](uint32_t count) {
    std::string bad = good;
    EncodeFixed32(count, bad.data() + bad.size() - 4);
    return bad;
  };
  EXPECT_FALSE(ExpandStoredBlock(with_count(0), &out));
  EXPECT_FALSE(ExpandStoredBlock(with_count(1), &out));  // bytes left over
  EXPECT_FALSE(ExpandStoredBlock(with_count(3), &out));
  EXPECT_FALSE(ExpandStoredBlock(with_count(UINT32_MAX), &out));
  for (int dims : {0, 17}) {
    std::string bad = good;
    bad[8] = static_cast<char>(dims);
    EXPECT_FALSE(ExpandStoredBlock(bad, &out)) << dims;
  }
  std::string flags = good;
  flags[9 + 1 + 8 + 8] = 2;  // the first record's flags
  EXPECT_FALSE(ExpandStoredBlock(flags, &out));
  std::string long_value = good;
  size_t value_length_at = 9 + 1 + 8 + 21 + 8;
  EncodeFixed32(1 << 20, long_value.data() + value_length_at);
  EXPECT_FALSE(ExpandStoredBlock(long_value, &out));
  std::string shared_first = good;
  shared_first[9] = 1;  // the first record cannot share with a previous one
  EXPECT_FALSE(ExpandStoredBlock(shared_first, &out));
  std::string second_at = good;  // the second record: 9 + 38 + 2 bytes on
  second_at[9 + 1 + 8 + 21 + 8 + 4 + 2] = 9;  // shares more than a key
  EXPECT_FALSE(ExpandStoredBlock(second_at, &out));
  // The same records in the wrong order.
  EXPECT_FALSE(ExpandStoredBlock(
      StoredBlock({versions[1], versions[0]}, 1, 2, 2), &out));
  EXPECT_FALSE(ExpandStoredBlock(good.substr(0, 12), &out));
  EXPECT_FALSE(ExpandStoredBlock("", &out));
}

}  // namespace
}  // namespace infinitedb::segment
