// Integration test of branch work against a real infdb-server: a user's
// session through `infdb-cli branch` (diff of two branches and of two
// revisions, with a box and paging; status; a dry run; a merge stopped at
// conflicts that changes nothing; listing, resolving and committing the
// conflicts, which survive a restart; a second merge that considers only
// what changed since the first; fast-forward; abort; drop), and bad input
// over the CLI and gRPC, refused with the field named and nothing written.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/run_command.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using CliResult = testing::CommandResult;
using Row = std::map<std::string, std::string>;

// A command's --json rows (an array, a page's "rows", or one object) as
// text cells: a
// value object ({"text": ...}) as its text, a point as "1,2", an edge as its
// JSON, null as "".
std::vector<Row> JsonRows(const std::string& json) {
  google::protobuf::Value document;
  auto parsed = google::protobuf::util::JsonStringToMessage(json, &document);
  EXPECT_TRUE(parsed.ok()) << json;
  // An object without rows ({"done": ...}) is one row.
  google::protobuf::ListValue list = document.list_value();
  if (document.has_struct_value()) {
    const auto& fields = document.struct_value().fields();
    if (fields.contains("rows")) {
      list = fields.at("rows").list_value();
    } else {
      *list.add_values() = document;
    }
  }
  std::vector<Row> rows;
  for (const google::protobuf::Value& item : list.values()) {
    Row row;
    for (const auto& [key, value] : item.struct_value().fields()) {
      if (value.has_number_value()) {
        row[key] = std::to_string(static_cast<uint64_t>(value.number_value()));
      } else if (value.has_bool_value()) {
        row[key] = value.bool_value() ? "true" : "false";
      } else if (value.has_struct_value() &&
                 value.struct_value().fields().contains("text")) {
        row[key] = value.struct_value().fields().at("text").string_value();
      } else if (value.has_struct_value()) {  // an edge: its JSON
        google::protobuf::util::MessageToJsonString(value, &row[key]);
      } else if (value.has_list_value()) {  // a point
        for (const google::protobuf::Value& item :
             value.list_value().values()) {
          if (!row[key].empty()) row[key] += ",";
          row[key] += std::to_string(static_cast<int64_t>(item.number_value()));
        }
      } else {
        row[key] = value.string_value();
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

class BranchCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StartServer();
    ASSERT_EQ(Run("space create plate --dims 2").exit_code, 0);
  }

  void StartServer() {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data");
    ASSERT_TRUE(server_->Start());
    client::ClientOptions options;
    options.target = server_->address();
    client_ = std::make_unique<client::Client>(options);
  }

  CliResult Run(const std::string& arguments) {
    return testing::RunShellCommand(std::string(INFDB_CLI_PATH) + " --server " +
                                    server_->address() + " " + arguments);
  }
  // The rows of a command's --json output (its stderr left out).
  std::vector<Row> Rows(const std::string& arguments, int exit_code = 0) {
    CliResult r = testing::RunShellCommand(
        "(" + std::string(INFDB_CLI_PATH) + " --server " + server_->address() +
        " --json " + arguments + " 2>/dev/null)");
    EXPECT_EQ(r.exit_code, exit_code) << arguments << "\n" << r.output;
    return JsonRows(r.output);
  }
  void Put(const std::string& branch, const std::string& point,
           const std::string& value) {
    CliResult r = Run("put plate --branch " + branch + " --point " + point +
                      " --value " + value);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  // The value at `point` on `branch`, or "(none)".
  std::string Value(const std::string& branch, const std::string& point) {
    const std::string get =
        "get plate --branch " + branch + " --point " + point;
    CliResult r = Run(get);
    if (r.exit_code == 1 && r.output.find("NOT_FOUND") != std::string::npos) {
      return "(none)";
    }
    std::vector<Row> rows = Rows(get);
    return rows.size() == 1 ? rows[0]["value"] : "?";
  }
  uint64_t Revision() {
    auto stats = client_->Stats();
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->revision() : 0;
  }

  // main: 1,1=a 2,2=b 3,3=c; option-b forks, then changes 1,1, deletes
  // 2,2, adds 4,4 and an edge.
  void ForkAndEdit() {
    Put("main", "1,1", "a");
    Put("main", "2,2", "b");
    Put("main", "3,3", "c");
    ASSERT_EQ(Run("branch create option-b").exit_code, 0);
    Put("option-b", "1,1", "a2");
    ASSERT_EQ(Run("del plate --branch option-b --point 2,2").exit_code, 0);
    Put("option-b", "4,4", "d");
    CliResult edge =
        Run("edge put --branch option-b --kind tie --endpoint plate:1,1:end "
            "--endpoint plate:3,3:end");
    ASSERT_EQ(edge.exit_code, 0) << edge.output;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<client::Client> client_;
};

TEST_F(BranchCliTest, DiffOfTwoBranchesWithBoxAndPaging) {
  ForkAndEdit();
  std::vector<Row> diff = Rows("branch diff main option-b");
  ASSERT_EQ(diff.size(), 4u);
  // Records in space and key order, then the edge.
  EXPECT_EQ(diff[0]["change"], "modified");
  EXPECT_EQ(diff[0]["point"], "1,1");
  EXPECT_EQ(diff[0]["before"], "a");
  EXPECT_EQ(diff[0]["after"], "a2");
  EXPECT_EQ(diff[1]["change"], "removed");
  EXPECT_EQ(diff[1]["point"], "2,2");
  EXPECT_EQ(diff[1]["before"], "b");
  EXPECT_EQ(diff[1]["after_revision"], "");
  EXPECT_EQ(diff[2]["change"], "added");
  EXPECT_EQ(diff[2]["point"], "4,4");
  EXPECT_EQ(diff[3]["change"], "added");
  EXPECT_NE(diff[3]["edge"], "");
  EXPECT_NE(diff[3]["after"].find(
                "\"endpoints\":[\"plate:1,1:end\",\"plate:3,3:end\"]"),
            std::string::npos)
      << diff[3]["after"];

  // The spatial diff: only what changed inside the box.
  std::vector<Row> boxed =
      Rows("branch diff main option-b --space plate --min 0,0 --max 2,2");
  ASSERT_EQ(boxed.size(), 2u);
  EXPECT_EQ(boxed[0]["point"], "1,1");
  EXPECT_EQ(boxed[1]["point"], "2,2");

  // A page at a time: the cursor on stderr leads to the next page.
  CliResult first = Run("branch diff main option-b --limit 3");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  size_t more = first.output.find("more: --cursor ");
  ASSERT_NE(more, std::string::npos) << first.output;
  std::string cursor = first.output.substr(more + 15);
  cursor = cursor.substr(0, cursor.find('\n'));
  std::vector<Row> rest =
      Rows("branch diff main option-b --limit 3 --cursor " + cursor);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_NE(rest[0]["edge"], "");

  // Two revisions of one branch.
  const uint64_t before = Revision();
  Put("main", "3,3", "c2");
  std::vector<Row> revisions =
      Rows("branch diff main@" + std::to_string(before) + " main@" +
           std::to_string(Revision()));
  ASSERT_EQ(revisions.size(), 1u);
  EXPECT_EQ(revisions[0]["point"], "3,3");
  EXPECT_EQ(revisions[0]["before"], "c");
  EXPECT_EQ(revisions[0]["after"], "c2");
}

TEST_F(BranchCliTest, MergeWithConflictsResolvedAcrossARestart) {
  ForkAndEdit();
  std::vector<Row> status = Rows("branch status option-b");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0]["parent"], "main");
  EXPECT_EQ(status[0]["changed_on_branch"], "4");
  EXPECT_EQ(status[0]["changed_on_parent"], "0");
  // `branch list --changes` gives the same counts, none for main.
  for (const Row& row : Rows("branch list --changes")) {
    if (row.at("name") == "main") {
      EXPECT_EQ(row.at("changed_on_branch"), "");
    } else if (row.at("name") == "option-b") {
      EXPECT_EQ(row.at("changed_on_branch"), "4");
      EXPECT_EQ(row.at("changed_on_parent"), "0");
      EXPECT_NE(row.at("fork_hlc"), "0");
    }
  }

  // A dry run reports and writes nothing.
  const uint64_t before_dry_run = Revision();
  std::vector<Row> dry = Rows("branch merge option-b --dry-run");
  ASSERT_EQ(dry.size(), 1u);
  EXPECT_EQ(dry[0]["outcome"], "dry-run");
  EXPECT_EQ(dry[0]["taken"], "4");
  EXPECT_EQ(Revision(), before_dry_run);
  EXPECT_EQ(Value("main", "1,1"), "a");

  // Both sides change 1,1: the merge stops, exit 1, and applies nothing
  // (it records its conflicts, which is not a change to main's records).
  Put("main", "1,1", "a-main");
  Put("main", "3,3", "c-main");
  CliResult stopped = Run("branch merge option-b");
  EXPECT_EQ(stopped.exit_code, 1) << stopped.output;
  EXPECT_NE(stopped.output.find("FAILED_PRECONDITION"), std::string::npos);
  EXPECT_NE(stopped.output.find("1 conflict(s)"), std::string::npos)
      << stopped.output;
  EXPECT_EQ(Value("main", "1,1"), "a-main");
  EXPECT_EQ(Value("main", "2,2"), "b");
  EXPECT_EQ(Value("main", "4,4"), "(none)");

  // One merge per target at a time.
  ASSERT_EQ(Run("branch create option-c").exit_code, 0);
  CliResult second = Run("branch merge option-c");
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_NE(second.output.find("ABORTED"), std::string::npos) << second.output;

  // The conflict, queryable and kept across a restart.
  ASSERT_EQ(server_->Stop(), 0);
  StartServer();
  std::vector<Row> conflicts = Rows("branch conflicts");
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0]["kind"], "both-modified");
  EXPECT_EQ(conflicts[0]["point"], "1,1");
  EXPECT_EQ(conflicts[0]["base"], "a");
  EXPECT_EQ(conflicts[0]["ours"], "a-main");
  EXPECT_EQ(conflicts[0]["theirs"], "a2");
  EXPECT_EQ(conflicts[0]["resolution"], "unresolved");

  CliResult refused = Run("branch commit");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("FAILED_PRECONDITION"), std::string::npos);
  EXPECT_NE(refused.output.find("1 conflict"), std::string::npos)
      << refused.output;
  EXPECT_EQ(Value("main", "1,1"), "a-main");

  std::vector<Row> resolved =
      Rows("branch resolve --space plate --point 1,1 --value merged");
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0]["unresolved"], "0");
  std::vector<Row> committed = Rows("branch commit");
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_EQ(committed[0]["outcome"], "merged");
  // One atomic revision: every change appears at it, none before it.
  const uint64_t merged_at = Revision();
  EXPECT_EQ(committed[0]["revision"], std::to_string(merged_at));
  const std::string before_commit = " --as-of " + std::to_string(merged_at - 1);
  EXPECT_EQ(Value("main", "1,1" + before_commit), "a-main");
  EXPECT_EQ(Value("main", "2,2" + before_commit), "b");
  EXPECT_EQ(Value("main", "4,4" + before_commit), "(none)");
  EXPECT_EQ(Value("main", "1,1"), "merged");
  EXPECT_EQ(Value("main", "2,2"), "(none)");
  EXPECT_EQ(Value("main", "3,3"), "c-main");
  EXPECT_EQ(Value("main", "4,4"), "d");
  EXPECT_EQ(Rows("edge kind tie").size(), 1u);
  CliResult no_merge = Run("branch conflicts");
  EXPECT_EQ(no_merge.exit_code, 1) << no_merge.output;
  EXPECT_NE(no_merge.output.find("no merge into 'main' is in progress"),
            std::string::npos)
      << no_merge.output;

  // The second merge of option-b considers only what changed since the
  // first: 1,1 stays "merged" although option-b still holds a2.
  std::vector<Row> again = Rows("branch merge option-b");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0]["outcome"], "up-to-date");
  Put("option-b", "4,4", "d2");
  std::vector<Row> third = Rows("branch merge option-b");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0]["taken"], "1");
  EXPECT_EQ(Value("main", "4,4"), "d2");
  EXPECT_EQ(Value("main", "1,1"), "merged");
}

TEST_F(BranchCliTest, StrategiesFastForwardAbortAndDrop) {
  ForkAndEdit();
  // main has not changed since the fork: a fast-forward.
  ASSERT_EQ(Run("branch create spare --from option-b").exit_code, 0);
  std::vector<Row> ff = Rows("branch merge spare --into option-b");
  ASSERT_EQ(ff.size(), 1u);
  EXPECT_EQ(ff[0]["outcome"], "up-to-date");
  Put("spare", "5,5", "e");
  ff = Rows("branch merge spare --into option-b");
  ASSERT_EQ(ff.size(), 1u);
  EXPECT_EQ(ff[0]["outcome"], "fast-forward");
  EXPECT_EQ(Value("option-b", "5,5"), "e");

  // Deleted on main, modified on option-b.
  ASSERT_EQ(Run("del plate --point 1,1").exit_code, 0);
  CliResult stopped = Run("branch merge option-b");
  ASSERT_EQ(stopped.exit_code, 1) << stopped.output;
  std::vector<Row> conflicts = Rows("branch conflicts");
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0]["kind"], "deleted-in-target");
  EXPECT_EQ(conflicts[0]["ours"], "");  // null: no live version
  // Aborting drops it; main is as it was.
  std::vector<Row> aborted = Rows("branch abort");
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(Run("branch conflicts").exit_code, 1);
  EXPECT_EQ(Value("main", "4,4"), "(none)");

  // prefer-target keeps main's delete and takes the rest.
  std::vector<Row> merged =
      Rows("branch merge option-b --strategy prefer-target");
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0]["outcome"], "merged");
  EXPECT_EQ(merged[0]["conflicts"], "1");
  EXPECT_EQ(Value("main", "1,1"), "(none)");
  EXPECT_EQ(Value("main", "4,4"), "d");
  EXPECT_EQ(Value("main", "5,5"), "e");

  // prefer-source the other way, into option-b.
  Put("main", "3,3", "c-main");
  Put("option-b", "3,3", "c-b");
  merged = Rows("branch merge main --into option-b --strategy prefer-source");
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(Value("option-b", "3,3"), "c-main");

  // A conflict resolved to a delete.
  Put("main", "4,4", "d-main");
  Put("option-b", "4,4", "d-b");
  ASSERT_EQ(Run("branch merge option-b").exit_code, 1);
  ASSERT_EQ(Rows("branch resolve --all --take delete").size(), 1u);
  ASSERT_EQ(Rows("branch commit").size(), 1u);
  EXPECT_EQ(Value("main", "4,4"), "(none)");

  // Drop: refused for main and for a branch with children; then gone.
  CliResult main_drop = Run("branch drop main");
  EXPECT_EQ(main_drop.exit_code, 1) << main_drop.output;
  EXPECT_NE(main_drop.output.find("FAILED_PRECONDITION"), std::string::npos);
  CliResult parent_drop = Run("branch drop option-b");
  EXPECT_EQ(parent_drop.exit_code, 1) << parent_drop.output;
  ASSERT_EQ(Rows("branch drop spare").size(), 1u);
  ASSERT_EQ(Rows("branch drop option-b").size(), 1u);
  for (const Row& row : Rows("branch list")) {
    EXPECT_EQ(row.at("name"), "main");
  }
  CliResult gone = Run("get plate --branch option-b --point 4,4");
  EXPECT_EQ(gone.exit_code, 1) << gone.output;
  EXPECT_NE(gone.output.find("NOT_FOUND"), std::string::npos) << gone.output;
}

TEST_F(BranchCliTest, BadInputIsRefusedAndChangesNothing) {
  ForkAndEdit();
  const uint64_t before = Revision();
  for (const std::string& usage :
       {"branch merge", "branch merge option-b --strategy bold",
        "branch diff main", "branch diff main@x option-b",
        "branch diff main option-b --min 0,0 --max 1,1",
        "branch resolve --take ours", "branch resolve 1",
        "branch resolve 1 --all --take ours", "branch resolve 1 --take mine",
        "branch merge option-b --into", "branch commit --intp main",
        "branch status", "branch list --changes=maybe",
        "branch list --change"}) {
    CliResult r = Run(usage);
    EXPECT_EQ(r.exit_code, 2) << usage << "\n" << r.output;
  }
  CliResult unknown = Run("branch merge option-z");
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("NOT_FOUND"), std::string::npos);
  CliResult self = Run("branch merge main");
  EXPECT_EQ(self.exit_code, 1) << self.output;
  EXPECT_NE(self.output.find("INVALID_ARGUMENT"), std::string::npos)
      << self.output;
  CliResult none = Run("branch commit");
  EXPECT_EQ(none.exit_code, 1) << none.output;
  EXPECT_NE(none.output.find("FAILED_PRECONDITION"), std::string::npos)
      << none.output;
  CliResult no_conflict = Run("branch resolve 7 --take ours");
  EXPECT_EQ(no_conflict.exit_code, 1) << no_conflict.output;

  // Over gRPC: an unknown strategy or resolution is INVALID_ARGUMENT naming
  // the field; a diff side past the newest revision is OUT_OF_RANGE.
  v1::MergeRequest merge;
  merge.set_source("option-b");
  merge.set_strategy(static_cast<v1::MergeStrategy>(9));
  absl::StatusOr<v1::MergeResponse> bad_merge = client_->Merge(merge);
  EXPECT_TRUE(absl::IsInvalidArgument(bad_merge.status()))
      << bad_merge.status();
  EXPECT_NE(bad_merge.status().message().find("strategy"), std::string::npos);
  v1::ResolveConflictRequest resolve;
  resolve.set_all(true);
  resolve.set_resolution(static_cast<v1::Resolution>(42));
  absl::Status bad_resolve = client_->ResolveConflict(resolve);
  EXPECT_TRUE(absl::IsInvalidArgument(bad_resolve)) << bad_resolve;
  EXPECT_NE(bad_resolve.message().find("resolution"), std::string::npos);
  v1::DiffRequest diff;
  diff.mutable_from()->set_branch("main");
  diff.mutable_to()->set_branch("option-b");
  diff.mutable_to()->set_as_of(before + 1000);
  absl::StatusOr<v1::DiffResponse> bad_diff = client_->Diff(diff);
  EXPECT_TRUE(absl::IsOutOfRange(bad_diff.status())) << bad_diff.status();
  diff.mutable_to()->set_as_of(0);
  diff.set_space("plate");
  diff.mutable_box()->mutable_min()->add_coordinates(1);
  diff.mutable_box()->mutable_max()->add_coordinates(1);
  bad_diff = client_->Diff(diff);
  EXPECT_TRUE(absl::IsInvalidArgument(bad_diff.status())) << bad_diff.status();
  EXPECT_EQ(Revision(), before);
}

}  // namespace
}  // namespace infinitedb
