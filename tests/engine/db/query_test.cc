// Query forms (box, scope, whole space; limit and resume cursor at one fixed
// revision; count) and exactness against brute force over memtables and
// sealed segments, for dims 1, 2, 3, 8 and 16.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

class QueryTest : public ::testing::Test {
 protected:
  void Open(EngineOptions options = {}) {
    engine_.reset();
    options.data_dir = dir_.path();
    options.durability = Durability::kAsync;
    auto engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  std::vector<Point> Collect(const QueryRequest& request, QueryResult* result) {
    std::vector<Point> points;
    auto r = engine_->Query(request, [&](const RecordView& v) {
      points.push_back(v.point());
      return true;
    });
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok() && result != nullptr) *result = *r;
    return points;
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(QueryTest, PagesWithLimitAndCursorReadOneRevision) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  std::vector<Mutation> batch;
  for (uint32_t i = 0; i < 1000; ++i) {
    batch.push_back(Mutation::Put("s", {i % 40, i / 40}, "v"));
  }
  ASSERT_TRUE(engine_->Batch("main", batch).ok());
  QueryRequest request;
  request.space = "s";
  request.limit = 64;
  std::set<Point> seen;
  Revision first_revision = 0;
  int pages = 0;
  while (true) {
    QueryResult result;
    std::vector<Point> page = Collect(request, &result);
    if (pages == 0) first_revision = result.revision;
    EXPECT_EQ(result.revision, first_revision);
    EXPECT_LE(page.size(), 64u);
    for (const Point& p : page) EXPECT_TRUE(seen.insert(p).second);
    ++pages;
    // Writes between pages are not seen by the paged query.
    ASSERT_TRUE(engine_
                    ->Put("main", "s", {static_cast<uint32_t>(1000 + pages), 0},
                          "later")
                    .ok());
    if (pages % 3 == 0) {
      ASSERT_TRUE(engine_->Flush().ok());
    }
    if (result.next_cursor.empty()) break;
    request.cursor = result.next_cursor;
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(pages, 16);  // 15 full pages and one of 40
}

TEST_F(QueryTest, ScopePinsTheLeadingAxes) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("loads", 3).ok());
  for (uint32_t element = 40; element < 45; ++element) {
    for (uint32_t load_case = 0; load_case < 7; ++load_case) {
      ASSERT_TRUE(
          engine_->Put("main", "loads", {element, load_case, 9}, "kN").ok());
    }
  }
  QueryRequest request;
  request.space = "loads";
  request.scope = Point{42};
  std::vector<Point> points = Collect(request, nullptr);
  ASSERT_EQ(points.size(), 7u);
  for (const Point& p : points) EXPECT_EQ(p[0], 42u);
  request.scope = Point{42, 3};
  EXPECT_EQ(Collect(request, nullptr).size(), 1u);
  request.scope = Point{42, 3, 9, 1};
  EXPECT_EQ(engine_->Count(request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(QueryTest, CountMatchesQueryAndHonoursTheLimit) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 1).ok());
  for (uint32_t i = 0; i < 300; ++i) {
    ASSERT_TRUE(engine_->Put("main", "s", {i * 7}, "v").ok());
  }
  QueryRequest request;
  request.space = "s";
  request.box = Box{{100}, {1000}};
  auto count = engine_->Count(request);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->count, Collect(request, nullptr).size());
  EXPECT_TRUE(count->next_cursor.empty());
  request.limit = 10;
  count = engine_->Count(request);
  EXPECT_EQ(count->count, 10u);
  EXPECT_FALSE(count->next_cursor.empty());
}

TEST_F(QueryTest, BadCursorsAreInvalidArgument) {
  Open();
  ASSERT_TRUE(engine_->CreateSpace("s", 2).ok());
  ASSERT_TRUE(engine_->CreateSpace("t", 3).ok());
  for (uint32_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(engine_->Put("main", "s", {i, i}, "v").ok());
  }
  QueryRequest request;
  request.space = "s";
  request.limit = 2;
  QueryResult result;
  Collect(request, &result);
  ASSERT_FALSE(result.next_cursor.empty());
  request.cursor = "garbage";
  EXPECT_EQ(engine_->Count(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.cursor = result.next_cursor;
  request.as_of = result.revision - 1;
  auto status = engine_->Count(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("cursor"), std::string::npos);
  request.as_of = 0;
  request.space = "t";  // a cursor of another space's shape
  EXPECT_EQ(engine_->Count(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.space = "s";
  request.box = Box{{0, 0}, {5, 5}};
  request.scope = Point{1};
  EXPECT_EQ(engine_->Count(request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Uniform or clustered points, written in batches with flushes in between
// so that results merge memtables and several segments.
class ExactnessTest
    : public QueryTest,
      public ::testing::WithParamInterface<std::tuple<int, bool>> {};

TEST_P(ExactnessTest, BoxQueriesMatchBruteForce) {
  auto [dims, clustered] = GetParam();
  EngineOptions options;
  options.memtable_bytes_max = 256 << 10;
  Open(options);
  ASSERT_TRUE(engine_->CreateSpace("s", dims).ok());
  std::mt19937_64 random(dims * 2 + clustered);
  std::vector<Point> points;
  std::set<Point> distinct;
  while (points.size() < 6000) {
    Point p(dims);
    for (int a = 0; a < dims; ++a) {
      p[a] = clustered ? 0x7FFF0000u + static_cast<uint32_t>(random() % 65536)
                       : static_cast<uint32_t>(random());
    }
    if (distinct.insert(p).second) points.push_back(p);
  }
  for (size_t first = 0; first < points.size(); first += 500) {
    std::vector<Mutation> batch;
    for (size_t i = first; i < first + 500; ++i) {
      batch.push_back(Mutation::Put("s", points[i], "v"));
    }
    ASSERT_TRUE(engine_->Batch("main", batch).ok());
    if (first % 1500 == 0) {
      ASSERT_TRUE(engine_->Flush().ok());
    }
  }
  for (int q = 0; q < 60; ++q) {
    Box box{Point(dims), Point(dims)};
    int kind = q % 6;
    for (int a = 0; a < dims; ++a) {
      const Point& center = points[random() % points.size()];
      uint64_t half = kind == 0
                          ? 0
                          : (kind == 5 ? 0xFFFFFFFFull
                                       : random() % (1ull << (8 * kind + 2)));
      box.min[a] = static_cast<uint32_t>(
          std::max<int64_t>(0, int64_t{center[a]} - int64_t(half)));
      box.max[a] = static_cast<uint32_t>(
          std::min<uint64_t>(0xFFFFFFFFull, center[a] + half));
      if (kind == 0 && a == 0 && q % 12 == 0)
        box.min[a] = box.max[a] = center[a] ^ 1;
    }
    std::vector<Point> expected;
    for (const Point& p : points) {
      bool inside = true;
      for (int a = 0; a < dims && inside; ++a) {
        inside = p[a] >= box.min[a] && p[a] <= box.max[a];
      }
      if (inside) expected.push_back(p);
    }
    QueryRequest request;
    request.space = "s";
    request.box = box;
    std::vector<Point> got = Collect(request, nullptr);
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(got, expected) << "dims " << dims << " query " << q;
  }
}

INSTANTIATE_TEST_SUITE_P(DimsAndDistributions, ExactnessTest,
                         ::testing::Combine(::testing::Values(1, 2, 3, 8, 16),
                                            ::testing::Bool()));

}  // namespace
}  // namespace infinitedb
