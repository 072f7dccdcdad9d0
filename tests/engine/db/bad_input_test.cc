// Every kind of bad input gets the right status code, names the field, and
// changes nothing: no revision is used, no data or catalogue entry appears.
#include <gtest/gtest.h>

#include "engine/public/engine.h"
#include "tests/engine/testutil/temp_dir.h"

namespace infinitedb {
namespace {

using absl::StatusCode;

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.data_dir = dir_.path();
    options.max_value_bytes = 1024;
    engine_ = *Engine::Open(options);
    ASSERT_TRUE(engine_->CreateSpace("s", 3).ok());
    ASSERT_TRUE(engine_->Put("main", "s", {1, 2, 3}, "original").ok());
    revision_ = engine_->CurrentRevision();
  }

  // Checks the status and that the database is exactly as SetUp left it.
  void ExpectRejected(const absl::Status& status, StatusCode code,
                      std::string_view field) {
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_NE(status.message().find(std::string(field)), std::string::npos)
        << "message does not name '" << field << "': " << status;
    EXPECT_EQ(engine_->CurrentRevision(), revision_);
    auto records = ScanAll(*engine_, {}, "s");
    ASSERT_TRUE(records.ok());
    ASSERT_EQ(records->size(), 1u);
    EXPECT_EQ((*records)[0].value, "original");
    EXPECT_EQ(engine_->ListSpaces().size(), 1u);
    EXPECT_EQ(engine_->ListBranches().size(), 1u);
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  Revision revision_ = 0;
};

TEST_F(BadInputTest, WrongNumberOfCoordinatesIsInvalidArgument) {
  ExpectRejected(engine_->Put("main", "s", {1, 2}, "v").status(),
                 StatusCode::kInvalidArgument, "point");
  ExpectRejected(engine_->Put("main", "s", {1, 2, 3, 4}, "v").status(),
                 StatusCode::kInvalidArgument, "point");
  ExpectRejected(engine_->Delete("main", "s", {}).status(),
                 StatusCode::kInvalidArgument, "point");
  ExpectRejected(engine_->Get({}, "s", {1}).status(),
                 StatusCode::kInvalidArgument, "point");
  ExpectRejected(engine_->History({}, "s", {1, 2, 3, 4, 5}).status(),
                 StatusCode::kInvalidArgument, "point");
}

TEST_F(BadInputTest, DimsOutsideOneToSixteenIsInvalidArgument) {
  ExpectRejected(engine_->CreateSpace("zero", 0).status(),
                 StatusCode::kInvalidArgument, "dims");
  ExpectRejected(engine_->CreateSpace("many", 17).status(),
                 StatusCode::kInvalidArgument, "dims");
  ExpectRejected(engine_->CreateSpace("negative", -1).status(),
                 StatusCode::kInvalidArgument, "dims");
}

TEST_F(BadInputTest, UnknownSpaceOrBranchIsNotFound) {
  ExpectRejected(engine_->Put("main", "nope", {1, 2, 3}, "v").status(),
                 StatusCode::kNotFound, "space");
  ExpectRejected(engine_->Put("nope", "s", {1, 2, 3}, "v").status(),
                 StatusCode::kNotFound, "branch");
  ExpectRejected(engine_->Get({"nope", 0}, "s", {1, 2, 3}).status(),
                 StatusCode::kNotFound, "branch");
  ExpectRejected(engine_->Get({}, "nope", {1, 2, 3}).status(),
                 StatusCode::kNotFound, "space");
  ExpectRejected(engine_->DropSpace("nope"), StatusCode::kNotFound, "space");
  ExpectRejected(engine_->CreateBranch("b", "nope").status(),
                 StatusCode::kNotFound, "parent");
  ExpectRejected(engine_->GetSpace("nope").status(), StatusCode::kNotFound,
                 "space");
}

TEST_F(BadInputTest, DuplicateNamesAreAlreadyExists) {
  ExpectRejected(engine_->CreateSpace("s", 2).status(),
                 StatusCode::kAlreadyExists, "space");
  ExpectRejected(engine_->CreateBranch("main", "main").status(),
                 StatusCode::kAlreadyExists, "branch");
}

TEST_F(BadInputTest, BadNamesAreInvalidArgument) {
  ExpectRejected(engine_->CreateSpace("", 2).status(),
                 StatusCode::kInvalidArgument, "space");
  ExpectRejected(engine_->CreateSpace("has space", 2).status(),
                 StatusCode::kInvalidArgument, "space");
  ExpectRejected(engine_->CreateSpace(std::string(129, 'a'), 2).status(),
                 StatusCode::kInvalidArgument, "space");
  ExpectRejected(engine_->CreateBranch("a/b", "main").status(),
                 StatusCode::kInvalidArgument, "branch");
}

TEST_F(BadInputTest, ValueOverTheLimitIsInvalidArgument) {
  ExpectRejected(
      engine_->Put("main", "s", {1, 2, 3}, std::string(1025, 'x')).status(),
      StatusCode::kInvalidArgument, "value");
  EXPECT_TRUE(
      engine_->Put("main", "s", {1, 2, 4}, std::string(1024, 'x')).ok());
}

TEST_F(BadInputTest, BadMutationAnywhereInABatchRejectsTheWholeBatch) {
  std::vector<Mutation> batch = {Mutation::Put("s", {7, 7, 7}, "ok"),
                                 Mutation::Put("s", {8, 8, 8}, "ok"),
                                 Mutation::Put("s", {9, 9}, "bad")};
  ExpectRejected(engine_->Batch("main", batch).status(),
                 StatusCode::kInvalidArgument, "mutations[2].point");
  batch[2] = Mutation::Put("missing", {9, 9, 9}, "bad");
  ExpectRejected(engine_->Batch("main", batch).status(), StatusCode::kNotFound,
                 "mutations[2].space");
  ExpectRejected(engine_->Batch("main", std::vector<Mutation>{}).status(),
                 StatusCode::kInvalidArgument, "mutations");
}

TEST_F(BadInputTest, BoxWithMinAboveMaxIsInvalidArgument) {
  auto status = engine_->Query({}, "s", Box{{0, 5, 0}, {9, 4, 9}},
                               [](const RecordView&) { return true; });
  ExpectRejected(status, StatusCode::kInvalidArgument, "box");
  status = engine_->Query({}, "s", Box{{0, 0}, {9, 9, 9}},
                          [](const RecordView&) { return true; });
  ExpectRejected(status, StatusCode::kInvalidArgument, "box.min");
}

TEST_F(BadInputTest, AsOfBeyondTheCurrentRevisionIsOutOfRange) {
  ExpectRejected(engine_->Get({"main", revision_ + 1}, "s", {1, 2, 3}).status(),
                 StatusCode::kOutOfRange, "as_of");
}

TEST_F(BadInputTest, RejectedInputLeavesNothingAfterReopen) {
  (void)engine_->Put("main", "s", {1}, "bad");
  (void)engine_->CreateSpace("bad", 0);
  engine_.reset();
  EngineOptions options;
  options.data_dir = dir_.path();
  engine_ = *Engine::Open(options);
  ExpectRejected(absl::InvalidArgumentError("x"), StatusCode::kInvalidArgument,
                 "x");
}

}  // namespace
}  // namespace infinitedb
