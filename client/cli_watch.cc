// `infdb-cli watch SPACE [--branch B] [--min 1,2 --max 5,6]
// [--from-revision R] [--limit N]`: the space's changes as they commit,
// over the change stream (an anonymous Replication.Subscribe: the server
// keeps no WAL for it). One row per operation: revision, branch, point,
// put or delete, value, HLC stamp and origin node. Without
// --from-revision it starts at the server's current revision (changes
// after it); with R, at revision R (OUT_OF_RANGE when the server's log no
// longer holds it). --limit N stops after N operations; otherwise it runs
// until interrupted. Tables are written a line at a time (not aligned);
// json and jsonl both write one object per line.
#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli_commands.h"
#include "client/cli_flags.h"
#include "client/cli_output.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {
namespace {

const std::vector<std::string> kWatchColumns = {
    "revision", "branch", "point", "op", "value", "hlc", "origin"};

bool InBox(const v1::Point& point, const v1::Box& box) {
  if (point.coordinates_size() != box.min().coordinates_size()) return false;
  for (int i = 0; i < point.coordinates_size(); ++i) {
    if (point.coordinates(i) < box.min().coordinates(i) ||
        point.coordinates(i) > box.max().coordinates(i)) {
      return false;
    }
  }
  return true;
}

void PrintChange(uint64_t revision, const v1::ChangeOp& op,
                 OutputFormat output) {
  std::vector<Cell> row = {U64Cell(revision),
                           TextCell(op.branch().empty() ? "main" : op.branch()),
                           PointCell(op.point()),
                           TextCell(op.deleted() ? "delete" : "put"),
                           op.deleted() ? NullCell("-") : ValueCell(op.value()),
                           U64Cell(op.hlc()),
                           NumberCell(op.origin())};
  if (output == OutputFormat::kTable) {
    std::vector<std::string> texts;
    for (const Cell& cell : row) texts.push_back(cell.text);
    std::printf("%s\n", absl::StrJoin(texts, "  ").c_str());
  } else {
    std::printf("%s\n", RowJson(kWatchColumns, row).c_str());
  }
  std::fflush(stdout);
}

// The revision the stream starts after.
absl::StatusOr<uint64_t> StartAfter(client::Client& client, const Args& args) {
  if (args.Flag("from-revision")) {
    absl::StatusOr<uint64_t> from = Number(args, "from-revision");
    if (!from.ok()) return from.status();
    if (*from == 0) return Usage("--from-revision: revisions start at 1");
    return *from - 1;
  }
  absl::StatusOr<v1::StatusResponse> status = client.Status();
  if (!status.ok()) return status.status();
  return status->header().revision();
}

}  // namespace

absl::Status WatchCommand(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> space = Operand(args, 1, "SPACE");
  if (!space.ok()) return space.status();
  absl::StatusOr<uint64_t> limit = Number(args, "limit");
  if (!limit.ok()) return limit.status();
  v1::Box box;
  const bool boxed = args.Flag("min") || args.Flag("max");
  if (boxed) {
    if (absl::Status s = BoxFlags(args, &box); !s.ok()) return s;
  }
  absl::StatusOr<v1::Space> described = client.GetSpace(*space);
  if (!described.ok()) return described.status();
  if (boxed && static_cast<uint32_t>(box.min().coordinates_size()) !=
                   described->dims()) {
    return Usage(absl::StrFormat("--min/--max: space '%s' has %d dimensions",
                                 *space, described->dims()));
  }
  absl::StatusOr<uint64_t> after = StartAfter(client, args);
  if (!after.ok()) return after.status();
  v1::SubscribeRequest start;
  start.add_spaces(*space);
  if (std::optional<std::string> branch = args.Flag("branch")) {
    start.add_branches(*branch);
  }
  start.set_after_revision(*after);
  if (args.output == OutputFormat::kTable) {
    std::printf("%s\n", absl::StrJoin(kWatchColumns, "  ").c_str());
    std::fflush(stdout);
  }
  uint64_t printed = 0;
  return client.Watch(start, [&](const v1::SubscribeResponse& message) {
    for (const v1::ChangeSet& change : message.changes()) {
      for (const v1::ChangeOp& op : change.ops()) {
        if (op.space() != *space || (boxed && !InBox(op.point(), box))) {
          continue;
        }
        PrintChange(change.revision(), op, args.output);
        if (*limit != 0 && ++printed >= *limit) return false;
      }
    }
    return true;
  });
}

}  // namespace infinitedb::cli
