// Integration test of infdb-cli's output contract for scripts against a real
// infdb-server (the dialect in client/cli_output.h and the README's "Output
// for scripts"): every --output json / jsonl answer parses as JSON; values
// keep their encoding ({"text"} or {"base64"}, never a guessed type);
// 64-bit numbers are strings; a script can page by next_cursor; commands
// that return nothing say what they did; export and import round-trip a
// space through JSON lines, refusing bad batches whole; watch prints the
// changes in a box as they commit.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/run_command.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using CliResult = testing::CommandResult;
using google::protobuf::Value;

// The JSON document `text`, or a failed expectation naming it.
Value Parse(const std::string& text) {
  Value value;
  auto parsed = google::protobuf::util::JsonStringToMessage(text, &value);
  EXPECT_TRUE(parsed.ok()) << "not JSON: " << text;
  return value;
}

const Value& Member(const Value& object, const std::string& name) {
  static const Value* missing = new Value();
  const auto& fields = object.struct_value().fields();
  auto it = fields.find(name);
  EXPECT_TRUE(it != fields.end()) << name << " missing";
  return it == fields.end() ? *missing : it->second;
}

std::string PointOf(const Value& row) {
  std::string text;
  for (const Value& c : Member(row, "point").list_value().values()) {
    text += (text.empty() ? "" : ",") +
            std::to_string(static_cast<int64_t>(c.number_value()));
  }
  return text;
}

class CliOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data");
    ASSERT_TRUE(server_->Start());
    ASSERT_EQ(Run("space create loads --dims 2").exit_code, 0);
  }

  // stdout only (stderr to /dev/null), so that it parses.
  CliResult Run(const std::string& arguments) {
    return testing::RunShellCommand("(" + std::string(INFDB_CLI_PATH) +
                                    " --server " + server_->address() + " " +
                                    arguments + " 2>/dev/null)");
  }
  CliResult RunWithStderr(const std::string& arguments) {
    return testing::RunShellCommand(std::string(INFDB_CLI_PATH) + " --server " +
                                    server_->address() + " " + arguments);
  }
  std::string File(const std::string& name, const std::string& contents) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }
  void PutMany(const std::string& space, int count) {
    std::string lines;
    for (int i = 0; i < count; ++i) {
      lines += "{\"point\":[" + std::to_string(i % 50) + "," +
               std::to_string(i / 50) + "],\"value\":\"v" + std::to_string(i) +
               "\"}\n";
    }
    CliResult r = Run("import " + space + " " + File("many.jsonl", lines));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(CliOutputTest, ValuesKeepTheirEncodingAndBigNumbersAreStrings) {
  ASSERT_EQ(Run("put loads --point 1,1 --value 42").exit_code, 0);
  ASSERT_EQ(Run("put loads --point 1,2 --value true").exit_code, 0);
  ASSERT_EQ(Run("put loads --point 1,3 --value-file " +
                File("binary", std::string("\xff\xfe\x00\x01", 4)))
                .exit_code,
            0);
  ASSERT_EQ(Run("put loads --point 1,4 --value 'say \"hi\"\\'").exit_code, 0);
  CliResult r = Run("query loads --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  Value page = Parse(r.output);
  std::map<std::string, const Value*> by_point;
  for (const Value& row : Member(page, "rows").list_value().values()) {
    by_point[PointOf(row)] = &row;
    EXPECT_TRUE(Member(row, "revision").has_string_value()) << r.output;
  }
  ASSERT_EQ(by_point.size(), 4u) << r.output;
  EXPECT_EQ(Member(Member(*by_point["1,1"], "value"), "text").string_value(),
            "42");
  EXPECT_EQ(Member(Member(*by_point["1,2"], "value"), "text").string_value(),
            "true");
  EXPECT_EQ(Member(Member(*by_point["1,3"], "value"), "base64").string_value(),
            "//4AAQ==");
  EXPECT_EQ(Member(Member(*by_point["1,4"], "value"), "text").string_value(),
            "say \"hi\"\\");
  EXPECT_EQ(Member(page, "next_cursor").string_value(), "");

  Value stamp = Parse(Run("put loads --point 2,2 --value x --json").output);
  const Value& written = stamp.list_value().values(0);
  EXPECT_TRUE(Member(written, "revision").has_string_value());
  EXPECT_TRUE(Member(written, "hlc").has_string_value());
  // Past 2^53: a double could not hold it, the string does.
  EXPECT_GT(std::stoull(Member(written, "hlc").string_value()), 1ull << 53);
  EXPECT_TRUE(Member(written, "origin").has_number_value());
  // A table shows bytes that are not text as hex.
  EXPECT_NE(Run("get loads --point 1,3").output.find("0xfffe0001"),
            std::string::npos);
}

TEST_F(CliOutputTest, AScriptPagesByNextCursor) {
  PutMany("loads", 250);
  for (const std::string format : {"json", "jsonl"}) {
    std::multiset<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
      CliResult r = Run("query loads --limit 40 --output " + format +
                        (cursor.empty() ? "" : " --cursor " + cursor));
      ASSERT_EQ(r.exit_code, 0) << r.output;
      cursor.clear();
      if (format == "json") {
        Value page = Parse(r.output);
        for (const Value& row : Member(page, "rows").list_value().values()) {
          seen.insert(PointOf(row));
        }
        cursor = Member(page, "next_cursor").string_value();
      } else {
        for (absl::string_view line :
             absl::StrSplit(r.output, '\n', absl::SkipEmpty())) {
          Value row = Parse(std::string(line));
          if (row.struct_value().fields().contains("next_cursor")) {
            cursor = Member(row, "next_cursor").string_value();
          } else {
            seen.insert(PointOf(row));
          }
        }
      }
      ASSERT_LT(++pages, 20) << "the cursor does not advance";
    } while (!cursor.empty());
    EXPECT_EQ(seen.size(), 250u) << format;
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 250u)
        << format << ": a record came twice";
    EXPECT_GE(pages, 7) << format;
  }
}

TEST_F(CliOutputTest, CommandsThatReturnNothingSayWhatWasDone) {
  EXPECT_EQ(Run("flush --json").output, "{\"done\":\"flush\"}\n");
  EXPECT_EQ(Run("compact loads --output jsonl").output,
            "{\"done\":\"compact\",\"space\":\"loads\"}\n");
  ASSERT_EQ(Run("branch create b").exit_code, 0);
  EXPECT_EQ(Run("branch drop b --json").output,
            "{\"done\":\"branch drop\",\"branch\":\"b\"}\n");
  EXPECT_EQ(Run("space drop loads --json").output,
            "{\"done\":\"space drop\",\"space\":\"loads\"}\n");
  // Tables print nothing for them.
  EXPECT_EQ(Run("flush").output, "");
  // Every listing parses, and a list of branches says main has no parent.
  Value branches = Parse(Run("branch list --json").output);
  ASSERT_EQ(branches.list_value().values_size(), 1);
  EXPECT_TRUE(
      Member(branches.list_value().values(0), "parent").has_null_value());
  for (const char* command :
       {"status", "stats", "space list", "replication status", "edge kinds"}) {
    CliResult r = Run(std::string(command) + " --json");
    EXPECT_EQ(r.exit_code, 0) << command;
    Parse(r.output);
  }
}

TEST_F(CliOutputTest, UnknownOutputFormatIsAUsageError) {
  CliResult r = RunWithStderr("space list --output xml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--output"), std::string::npos) << r.output;
}

TEST_F(CliOutputTest, ExportAndImportRoundTripAndRefuseBadBatchesWhole) {
  PutMany("loads", 2'500);
  ASSERT_EQ(Run("put loads --point 60,60 --value-file " +
                File("bin", std::string("\x00\xff", 2)))
                .exit_code,
            0);
  CliResult exported = Run("export loads");
  ASSERT_EQ(exported.exit_code, 0);
  std::vector<std::string> lines =
      absl::StrSplit(exported.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2'501u);
  ASSERT_EQ(Run("space create copy --dims 2").exit_code, 0);
  CliResult imported =
      Run("import copy " + File("export.jsonl", exported.output) + " --json");
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_EQ(Member(Parse(imported.output), "records_written").string_value(),
            "2501");
  // The copy exports the same records and values (at its own revisions).
  auto without_revisions = [](const std::string& jsonl) {
    std::multiset<std::string> rows;
    for (absl::string_view line :
         absl::StrSplit(jsonl, '\n', absl::SkipEmpty())) {
      rows.insert(std::string(line.substr(0, line.find(",\"revision\""))));
    }
    return rows;
  };
  EXPECT_EQ(without_revisions(Run("export copy").output),
            without_revisions(exported.output));

  // Batches of 2: the second has a 3-D point, the third a line that is not
  // JSON. Neither is written in part.
  const std::string bad = File("bad.jsonl",
                               "{\"point\":[0,100],\"value\":\"a\"}\n"
                               "{\"point\":[1,100],\"value\":\"b\"}\n"
                               "{\"point\":[2,100],\"value\":\"c\"}\n"
                               "{\"point\":[3,100,1],\"value\":\"d\"}\n"
                               "{\"point\":[4,100],\"value\":\"e\"}\n"
                               "{\"point\":\n"
                               "{\"point\":[0,100],\"deleted\":true}\n");
  CliResult r = RunWithStderr("import copy " + bad + " --batch 2");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("imported 3 records in 2 of 4 batches"),
            std::string::npos)
      << r.output;
  CliResult row = Run("query copy --min 0,100 --max 9,100 --output jsonl");
  std::vector<std::string> rows =
      absl::StrSplit(row.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 1u) << row.output;  // 1,100; 0,100 was deleted
  EXPECT_EQ(PointOf(Parse(rows[0])), "1,100");
}

TEST_F(CliOutputTest, WatchPrintsTheChangesInItsBoxAsTheyCommit) {
  Value status = Parse(Run("status --json").output);
  const uint64_t next =
      std::stoull(
          Member(status.list_value().values(0), "revision").string_value()) +
      1;
  CliResult watched;
  std::thread watcher([&] {
    watched =
        Run("watch loads --min 0,0 --max 9,9 --limit 3 --output jsonl "
            "--from-revision " +
            std::to_string(next) + " --timeout 30s");
  });
  ASSERT_EQ(Run("put loads --point 1,1 --value in").exit_code, 0);
  ASSERT_EQ(Run("put loads --point 20,20 --value out").exit_code, 0);
  ASSERT_EQ(Run("space create other --dims 2").exit_code, 0);
  ASSERT_EQ(Run("put other --point 1,1 --value elsewhere").exit_code, 0);
  ASSERT_EQ(Run("del loads --point 1,1").exit_code, 0);
  ASSERT_EQ(Run("put loads --point 9,9 --value edge --branch main").exit_code,
            0);
  watcher.join();
  ASSERT_EQ(watched.exit_code, 0) << watched.output;
  std::vector<std::string> lines =
      absl::StrSplit(watched.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << watched.output;
  Value first = Parse(lines[0]), second = Parse(lines[1]),
        third = Parse(lines[2]);
  EXPECT_EQ(Member(first, "op").string_value(), "put");
  EXPECT_EQ(Member(Member(first, "value"), "text").string_value(), "in");
  EXPECT_EQ(Member(first, "revision").string_value(), std::to_string(next));
  EXPECT_EQ(Member(second, "op").string_value(), "delete");
  EXPECT_TRUE(Member(second, "value").has_null_value());
  EXPECT_EQ(PointOf(third), "9,9");
  EXPECT_EQ(Member(third, "branch").string_value(), "main");
  // A space that does not exist is NOT_FOUND (exit 1), not an endless wait.
  EXPECT_EQ(Run("watch nothing --limit 1").exit_code, 1);
}

TEST_F(CliOutputTest, CompactReportsProgressEndingWithTheWholeCount) {
  // Two segments of 20,000 versions each: the compaction merges 40,000.
  PutMany("loads", 20'000);
  ASSERT_EQ(Run("flush").exit_code, 0);
  PutMany("loads", 20'000);
  ASSERT_EQ(Run("flush").exit_code, 0);
  CliResult r = RunWithStderr("compact loads --progress");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string last = "compact: 40000 of 40000 versions\n";
  ASSERT_GE(r.output.size(), last.size()) << r.output;
  EXPECT_EQ(r.output.substr(r.output.size() - last.size()), last) << r.output;
  // Without --progress and not on a terminal: nothing on stderr.
  EXPECT_EQ(RunWithStderr("compact loads").output, "");
}

}  // namespace
}  // namespace infinitedb
