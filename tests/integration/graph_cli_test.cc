// Integration test of the graph API against a real infdb-server: a user's
// session through `infdb-cli edge` (writes, reads, history, incidence with
// filters, box, kind, degree, traversal, paths, cycles, the kind catalogue,
// dangling edges, import with a report of the refused batches), and bad
// input over gRPC through the C++ client, refused with the field named and
// nothing written.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "client/infdb_client.h"
#include "tests/engine/testutil/temp_dir.h"
#include "tests/integration/run_command.h"
#include "tests/integration/server_process.h"

namespace infinitedb {
namespace {

using CliResult = testing::CommandResult;

// A paged command's --json answer with no rows.
constexpr char kEmptyPage[] = "{\"rows\":[],\"next_cursor\":\"\"}\n";

// A 64-bit number as the CLI's JSON writes it.
std::string Quoted(const std::string& digits) { return "\"" + digits + "\""; }

class GraphCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path() + "/data");
    ASSERT_TRUE(server_->Start());
    client::ClientOptions options;
    options.target = server_->address();
    client_ = std::make_unique<client::Client>(options);
    ASSERT_EQ(Run("space create frame --dims 3").exit_code, 0);
  }

  CliResult Run(const std::string& arguments) {
    return testing::RunShellCommand(std::string(INFDB_CLI_PATH) + " --server " +
                                    server_->address() + " " + arguments);
  }

  // `edge put ... --json` and the id it prints.
  uint64_t PutEdge(const std::string& arguments) {
    CliResult r = Run("edge put " + arguments + " --json");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    size_t at = r.output.find("\"id\":\"");  // 64-bit ids are strings
    if (at == std::string::npos) return 0;
    return std::strtoull(r.output.c_str() + at + 6, nullptr, 10);
  }

  uint64_t Revision() {
    auto stats = client_->Stats();
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->revision() : 0;
  }

  // A beam bears on a column, the column on a footing (directed, weights
  // 5 and 2), and one brace ties three points (an undirected hyperedge).
  struct Frame {
    uint64_t beam = 0, column = 0, brace = 0;
    std::string Beam() const { return std::to_string(beam); }
    std::string Column() const { return std::to_string(column); }
    std::string Brace() const { return std::to_string(brace); }
  };
  Frame PutFrame() {
    Frame frame;
    frame.beam = PutEdge(
        "--kind beam.bears_on --directed --endpoint frame:1,2,3:beam:tail "
        "--endpoint frame:4,5,6:column:head --weight 5 --prop grade=S355");
    frame.column = PutEdge(
        "--kind beam.bears_on --directed --endpoint frame:4,5,6:column:tail "
        "--endpoint frame:7,8,9:footing:head --weight 2");
    frame.brace = PutEdge(
        "--kind brace --endpoint frame:1,2,3:brace --endpoint "
        "frame:7,8,9:brace --endpoint frame:10,10,10:brace --payload 'tie "
        "rod'");
    EXPECT_NE(frame.beam, 0u);
    EXPECT_NE(frame.column, 0u);
    EXPECT_NE(frame.brace, 0u);
    return frame;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<client::Client> client_;
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(GraphCliTest, PutGetHistoryAndPreconditions) {
  const Frame f = PutFrame();
  const uint64_t first_revision = Revision();
  CliResult r = Run("edge get " + f.Beam());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "beam.bears_on")) << r.output;
  EXPECT_TRUE(
      Contains(r.output, "frame:1,2,3:beam:tail frame:4,5,6:column:head"))
      << r.output;
  EXPECT_TRUE(Contains(r.output, "grade=S355")) << r.output;
  r = Run("edge get " + f.Beam() + " --json");
  EXPECT_TRUE(Contains(r.output,
                       "\"directed\":true,\"weight\":\"5\","
                       "\"endpoints\":[\"frame:1,2,3:beam:tail\","
                       "\"frame:4,5,6:column:head\"],"
                       "\"properties\":{\"grade\":\"S355\"}"))
      << r.output;
  r = Run("edge get " + f.Brace() + " --json");
  EXPECT_TRUE(Contains(r.output, "\"weight\":null")) << r.output;
  EXPECT_TRUE(Contains(r.output, "\"payload\":{\"text\":\"tie rod\"}"))
      << r.output;

  // A new version of the beam: history has both, as_of reads the old one.
  ASSERT_EQ(PutEdge("--id " + f.Beam() +
                    " --kind beam.bears_on --directed "
                    "--endpoint frame:1,2,3:beam:tail "
                    "--endpoint frame:4,5,6:column:head --weight 6"),
            f.beam);
  r = Run("edge history " + f.Beam() + " --json");
  EXPECT_TRUE(Contains(r.output, "\"weight\":\"6\"")) << r.output;
  EXPECT_TRUE(Contains(r.output, "\"weight\":\"5\"")) << r.output;
  r = Run("edge get " + f.Beam() + " --as-of " +
          std::to_string(first_revision) + " --json");
  EXPECT_TRUE(Contains(r.output, "\"weight\":\"5\"")) << r.output;
  // A precondition on the edge's revision.
  r = Run("edge put --id " + f.Beam() +
          " --kind beam.bears_on --directed --endpoint frame:1,2,3:beam:tail "
          "--endpoint frame:4,5,6:column:head --if-revision 1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "FAILED_PRECONDITION")) << r.output;
  EXPECT_TRUE(Contains(r.output, "if_revision")) << r.output;
}

TEST_F(GraphCliTest, IncidenceBoxKindAndDegree) {
  const Frame f = PutFrame();
  // Incidence at the column's top, with filters.
  const std::string at_column = "edge incident --node frame:4,5,6 --json";
  CliResult r = Run(at_column);
  EXPECT_TRUE(Contains(r.output, "\"id\":" + Quoted(f.Beam()))) << r.output;
  EXPECT_TRUE(Contains(r.output, "\"id\":" + Quoted(f.Column()))) << r.output;
  EXPECT_TRUE(Contains(r.output, "\"roles\":[\"column:head\"]")) << r.output;
  r = Run(at_column + " --direction in");
  EXPECT_TRUE(Contains(r.output, "\"id\":" + Quoted(f.Beam()))) << r.output;
  EXPECT_FALSE(Contains(r.output, "\"id\":" + Quoted(f.Column()))) << r.output;
  r = Run(at_column + " --direction out");
  EXPECT_FALSE(Contains(r.output, "\"id\":" + Quoted(f.Beam()))) << r.output;
  EXPECT_TRUE(Contains(r.output, "\"id\":" + Quoted(f.Column()))) << r.output;
  EXPECT_EQ(Run(at_column + " --kind brace").output, kEmptyPage);
  EXPECT_EQ(Run(at_column + " --role beam").output, kEmptyPage);
  r = Run("edge incident --node frame:4,5,6 --limit 1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "more: --cursor ")) << r.output;
  EXPECT_EQ(Run("edge incident --node frame:4,5,6 --direction up").exit_code,
            2);

  // Box: (1,2,3) has the beam and the brace, (4,5,6) the beam and column.
  r = Run("edge box --space frame --min 0,0,0 --max 5,5,6 --json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r.output,
                       "\"node\":\"frame:1,2,3\",\"roles\":"
                       "[\"brace\"]"))
      << r.output;
  size_t rows = 0;
  for (size_t at = r.output.find("\"node\""); at != std::string::npos;
       at = r.output.find("\"node\"", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 4u) << r.output;

  r = Run("edge kind beam.bears_on --json");
  EXPECT_TRUE(Contains(r.output, "\"id\":" + Quoted(f.Beam()))) << r.output;
  EXPECT_TRUE(Contains(r.output, "\"id\":" + Quoted(f.Column()))) << r.output;
  EXPECT_FALSE(Contains(r.output, "\"id\":" + Quoted(f.Brace()))) << r.output;

  r = Run("edge degree --node frame:4,5,6 --json");
  EXPECT_TRUE(Contains(r.output,
                       "\"total\":\"2\",\"outgoing\":\"1\",\"incoming\":\"1\","
                       "\"neutral\":\"0\""))
      << r.output;
}

TEST_F(GraphCliTest, TraversalPathsAndCycles) {
  const Frame f = PutFrame();
  CliResult r =
      Run("edge traverse --start frame:1,2,3 --depth 2 --direction out --json");
  EXPECT_TRUE(Contains(r.output,
                       "{\"level\":1,\"nodes\":[\"frame:4,5,6\"],"
                       "\"edges\":[\"" +
                           f.Beam() + "\"]}"))
      << r.output;
  EXPECT_TRUE(Contains(r.output, "{\"level\":2,\"nodes\":[\"frame:7,8,9\"]"))
      << r.output;

  r =
      Run("edge path --from frame:1,2,3 --to frame:7,8,9 --direction out "
          "--weighted --json");
  EXPECT_TRUE(Contains(r.output,
                       "\"nodes\":[\"frame:1,2,3\",\"frame:4,5,6\","
                       "\"frame:7,8,9\"],\"edges\":[\"" +
                           f.Beam() + "\",\"" + f.Column() +
                           "\"],\"total_weight\":\"7\""))
      << r.output;
  r = Run("edge path --from frame:1,2,3 --to frame:7,8,9 --json");
  EXPECT_TRUE(Contains(r.output, "\"edges\":[\"" + f.Brace() + "\"]"))
      << r.output;  // the brace is one step, in any direction
  r = Run("edge path --from frame:1,2,3 --to frame:9,9,9");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "NOT_FOUND")) << r.output;

  r = Run("edge cycle --json");
  EXPECT_TRUE(Contains(r.output, "\"acyclic\":true")) << r.output;
  const uint64_t back = PutEdge(
      "--kind beam.bears_on --directed --endpoint frame:7,8,9:footing:tail "
      "--endpoint frame:1,2,3:beam:head");
  r = Run("edge cycle --kind beam.bears_on --json");
  EXPECT_TRUE(Contains(r.output, "\"acyclic\":false")) << r.output;
  EXPECT_TRUE(Contains(r.output, std::to_string(back))) << r.output;
  EXPECT_TRUE(Contains(Run("edge cycle --kind brace --json").output,
                       "\"acyclic\":true"));
}

TEST_F(GraphCliTest, DeleteLeavesATombstone) {
  const Frame f = PutFrame();
  CliResult r = Run("edge del " + f.Brace());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Run("edge get " + f.Brace());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "NOT_FOUND")) << r.output;
  r = Run("edge history " + f.Brace() + " --json");
  EXPECT_TRUE(Contains(r.output, "\"deleted\":true")) << r.output;
  EXPECT_TRUE(Contains(r.output, "\"deleted\":false")) << r.output;
  r = Run("edge del " + f.Brace());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "NOT_FOUND")) << r.output;
  EXPECT_EQ(Run("edge kind brace --json").output, kEmptyPage);
  EXPECT_EQ(Run("edge incident --node frame:10,10,10 --json").output,
            kEmptyPage);
}

TEST_F(GraphCliTest, CommandLineMistakesAreUsageErrors) {
  const uint64_t before = Revision();
  for (const char* command :
       {"edge put --endpoint frame:1,2,3:a --endpoint frame:4,5,6:b",
        "edge put --kind k --endpoint frame:1,2,3",
        "edge put --kind k --kind j --endpoint frame:1,2,3:a",
        "edge put --kind k --endpoint frame:1,x,3:a",
        "edge put --kind k --endpoint frame:1,2,3:a --prop novalue",
        "edge put --kind k --endpoint frame:1,2,3:a --weight heavy",
        "edge put --kind k --endpoint frame:1,2,3:a --directed=maybe",
        "edge put --kind k --endpoint frame:1,2,3:a --brnach b", "edge get",
        "edge get x", "edge get 0", "edge get 1 2", "edge traverse --depth 2",
        "edge path --from frame:1,2,3", "edge frobnicate", "edge import"}) {
    CliResult r = Run(command);
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.output;
  }
  EXPECT_EQ(Revision(), before);
  CliResult help = Run("help edge put");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(Contains(help.output, "--endpoint")) << help.output;
  EXPECT_FALSE(Contains(help.output, "edge traverse")) << help.output;
  EXPECT_TRUE(Contains(Run("edge --help").output, "edge traverse"));
}

TEST_F(GraphCliTest, KindsDeclareAndDangling) {
  EXPECT_EQ(Run("edge kinds --json").output, "[]\n");
  CliResult r =
      Run("edge declare beam.bears_on --directed --role beam --role column");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "beam.bears_on  true      beam column"))
      << r.output;
  ASSERT_EQ(Run("edge declare brace").exit_code, 0);
  r = Run("edge kinds");
  EXPECT_EQ(r.output,
            "kind           directed  roles\n"
            "beam.bears_on  true      beam column\n"
            "brace          false     (any)\n")
      << r.output;
  EXPECT_EQ(Run("edge kinds --json").output,
            "[{\"kind\":\"beam.bears_on\",\"directed\":true,\"roles\":"
            "[\"beam\",\"column\"]},{\"kind\":\"brace\",\"directed\":false,"
            "\"roles\":[]}]\n");

  // Edges between records; deleting a record leaves its edges dangling.
  for (const char* point : {"1,2,3", "4,5,6", "7,8,9", "10,10,10"}) {
    ASSERT_EQ(
        Run(std::string("put frame --point ") + point + " --value n").exit_code,
        0);
  }
  const Frame f = PutFrame();
  EXPECT_EQ(Run("edge dangling --json").output, kEmptyPage);
  const uint64_t before = Revision();
  ASSERT_EQ(Run("del frame --point 7,8,9").exit_code, 0);
  r = Run("edge dangling --json");
  EXPECT_TRUE(Contains(r.output, "\"id\":" + Quoted(f.Column()))) << r.output;
  EXPECT_TRUE(Contains(r.output, "\"id\":" + Quoted(f.Brace()))) << r.output;
  EXPECT_FALSE(Contains(r.output, "\"id\":" + Quoted(f.Beam()))) << r.output;
  EXPECT_EQ(
      Run("edge dangling --json --as-of " + std::to_string(before)).output,
      kEmptyPage);
  r = Run("edge dangling --limit 1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r.output, "more: --cursor ")) << r.output;
  ASSERT_EQ(Run("branch create b").exit_code, 0);
  ASSERT_EQ(Run("put frame --point 7,8,9 --value n --branch b").exit_code, 0);
  EXPECT_EQ(Run("edge dangling --branch b --json").output, kEmptyPage);

  for (const char* command :
       {"edge declare", "edge declare a b", "edge declare k --kind x",
        "edge declare k --directed=maybe", "edge kinds extra",
        "edge kinds --limit 1", "edge dangling --kind k",
        "edge dangling --limit x"}) {
    r = Run(command);
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.output;
  }
  r = Run("help edge kinds");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.output, "edge kinds")) << r.output;
  EXPECT_FALSE(Contains(r.output, "edge declare")) << r.output;
}

// Five edges in batches of two: batch 2 has an edge with a 2-D point in a
// 3-D space, batch 3 a line that is not JSON. Only batch 1 is written.
TEST_F(GraphCliTest, ImportReportsTheRefusedBatches) {
  const std::string path = dir_.path() + "/edges.jsonl";
  {
    std::ofstream file(path);
    file << R"({"kind":"wire","endpoints":["frame:1,1,1:a","frame:2,2,2:b"]})"
         << "\n"
         << R"({"kind":"wire","directed":true,"weight":3,"properties":)"
         << R"({"gauge":"12"},"endpoints":[{"space":"frame","point":[2,2,2],)"
         << R"("role":"a","polarity":"tail"},"frame:3,3,3:b:head"]})"
         << "\n\n"  // blank lines are skipped
         << R"({"kind":"wire","endpoints":["frame:3,3,3:a","frame:4,4:b"]})"
         << "\n"
         << R"({"kind":"wire","endpoints":["frame:4,4,4:a","frame:5,5,5:b"]})"
         << "\n"
         << R"({"kind":"wire", endpoints})"
         << "\n";
  }
  CliResult r = Run("edge import " + path + " --batch 2");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "imported 2 edges in 1 of 3 batches"))
      << r.output;
  EXPECT_TRUE(Contains(r.output,
                       "2      4-5    4     INVALID_ARGUMENT  "
                       "edges[0].endpoints[1].point"))
      << r.output;
  EXPECT_TRUE(Contains(r.output,
                       "3      6      6     INVALID_ARGUMENT  "
                       "not a JSON object"))
      << r.output;
  EXPECT_TRUE(Contains(r.output, "2 of 3 batches refused")) << r.output;
  r = Run("edge kind wire --json");
  EXPECT_TRUE(Contains(r.output, "\"frame:1,1,1:a\",\"frame:2,2,2:b\""))
      << r.output;
  EXPECT_TRUE(Contains(r.output,
                       "\"weight\":\"3\",\"endpoints\":["
                       "\"frame:2,2,2:a:tail\","
                       "\"frame:3,3,3:b:head\"],"
                       "\"properties\":{\"gauge\":\"12\"}"))
      << r.output;
  EXPECT_FALSE(Contains(r.output, "frame:4,4,4")) << r.output;

  // A file without errors: exit 0, and the JSON report refuses nothing.
  std::ofstream(path) << R"({"kind":"wire","endpoints":["frame:4,4,4:a",)"
                      << R"("frame:5,5,5:b"]})"
                      << "\n";
  r = Run("edge import " + path + " --json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output,
            "{\"done\":\"edge import\",\"edges_written\":\"1\","
            "\"batches\":\"1\",\"batches_written\":\"1\",\"refused\":[]}\n");
  EXPECT_TRUE(Contains(Run("edge degree --node frame:4,4,4 --json").output,
                       "\"total\":\"1\""));
}

}  // namespace
}  // namespace infinitedb
