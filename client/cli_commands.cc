#include "client/cli_commands.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/cli_auth_commands.h"
#include "client/cli_branch_commands.h"
#include "client/cli_edge_commands.h"
#include "client/cli_flags.h"
#include "client/cli_output.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {

namespace {

void PrintRecords(const std::vector<v1::Record>& records, OutputFormat output,
                  bool with_deleted) {
  Table table;
  table.columns = {"point", "value", "revision"};
  if (with_deleted) table.columns.push_back("deleted");
  for (const v1::Record& r : records) table.rows.push_back(RecordCells(r));
  if (with_deleted) {
    for (size_t i = 0; i < records.size(); ++i) {
      table.rows[i].push_back(BoolCell(records[i].deleted()));
    }
  }
  PrintTable(table, output);
}

absl::Status PrintSpaces(const absl::StatusOr<std::vector<v1::Space>>& spaces,
                         OutputFormat output) {
  if (!spaces.ok()) return spaces.status();
  Table table{{"name", "dims", "created_revision"}, {}};
  for (const v1::Space& s : *spaces) {
    table.rows.push_back({TextCell(s.name()), NumberCell(s.dims()),
                          U64Cell(s.created_revision())});
  }
  PrintTable(table, output);
  return absl::OkStatus();
}

absl::Status PrintSpaces(const absl::StatusOr<v1::Space>& space,
                         OutputFormat output) {
  if (!space.ok()) return space.status();
  return PrintSpaces(std::vector<v1::Space>{*space}, output);
}

absl::Status SpaceCommand(client::Client& client, const Args& args) {
  std::string verb = args.words.size() > 1 ? args.words[1] : "";
  if (verb == "list") {
    return PrintSpaces(client.ListSpaces(), args.output);
  }
  absl::StatusOr<std::string> name = Operand(args, 2, "NAME");
  if (!name.ok()) return name.status();
  if (verb == "create") {
    absl::StatusOr<uint64_t> dims = Number(args, "dims", UINT32_MAX);
    if (!dims.ok()) return dims.status();
    if (!args.Flag("dims")) return Usage("--dims is required");
    return PrintSpaces(client.CreateSpace(*name, static_cast<uint32_t>(*dims)),
                       args.output);
  }
  if (verb == "get") {
    return PrintSpaces(client.GetSpace(*name), args.output);
  }
  if (verb == "drop") {
    if (absl::Status dropped = client.DropSpace(*name); !dropped.ok()) {
      return dropped;
    }
    PrintDone(args.output, "space drop", {{"space", TextCell(*name)}});
    return absl::OkStatus();
  }
  return Usage("unknown space command '" + verb + "'");
}

absl::Status PrintStamp(const absl::StatusOr<v1::CommitStamp>& stamp,
                        OutputFormat output) {
  if (!stamp.ok()) return stamp.status();
  PrintTable({{"revision", "hlc", "origin"},
              {{U64Cell(stamp->revision()), U64Cell(stamp->hlc()),
                NumberCell(stamp->origin())}}},
             output);
  return absl::OkStatus();
}

absl::Status RecordCommand(client::Client& client, const Args& args) {
  const std::string& verb = args.words[0];
  absl::StatusOr<std::string> space = Operand(args, 1, "SPACE");
  if (!space.ok()) return space.status();
  absl::StatusOr<std::vector<uint32_t>> point = RequiredPoint(args, "point");
  if (!point.ok()) return point.status();
  std::string branch = args.Flag("branch").value_or("");
  absl::StatusOr<std::optional<uint64_t>> if_revision = IfRevision(args);
  if (!if_revision.ok()) return if_revision.status();
  if (verb == "put") {
    std::string value;
    if (std::optional<std::string> file = args.Flag("value-file")) {
      std::ifstream in(*file, std::ios::binary);
      if (!in) return absl::NotFoundError("--value-file: cannot read " + *file);
      std::stringstream contents;
      contents << in.rdbuf();
      value = contents.str();
    } else if (std::optional<std::string> text = args.Flag("value")) {
      value = *text;
    } else {
      return Usage("--value or --value-file is required");
    }
    return PrintStamp(client.Put(branch, *space, *point, value, *if_revision),
                      args.output);
  }
  if (verb == "del") {
    return PrintStamp(client.Delete(branch, *space, *point, *if_revision),
                      args.output);
  }
  absl::StatusOr<v1::ReadOptions> read = ReadFlags(args);
  if (!read.ok()) return read.status();
  if (verb == "get") {
    v1::GetRequest request;
    *request.mutable_read() = *read;
    request.set_space(*space);
    request.mutable_point()->mutable_coordinates()->Assign(point->begin(),
                                                           point->end());
    absl::StatusOr<v1::GetResponse> response = client.Get(request);
    if (!response.ok()) return response.status();
    if (!response->found()) {
      return absl::NotFoundError(absl::StrFormat(
          "no record at (%s) as of revision %d", PointText(request.point()),
          response->header().revision()));
    }
    PrintRecords({response->record()}, args.output, false);
    return absl::OkStatus();
  }
  v1::HistoryRequest request;
  *request.mutable_read() = *read;
  request.set_space(*space);
  request.mutable_point()->mutable_coordinates()->Assign(point->begin(),
                                                         point->end());
  absl::StatusOr<v1::HistoryResponse> response = client.History(request);
  if (!response.ok()) return response.status();
  PrintRecords({response->versions().begin(), response->versions().end()},
               args.output, true);
  return absl::OkStatus();
}

absl::Status QueryCommand(client::Client& client, const Args& args) {
  absl::StatusOr<v1::QueryRequest> request = QueryFlags(args);
  if (!request.ok()) return request.status();
  if (args.words[0] == "count") {
    absl::StatusOr<v1::CountResponse> count = client.Count(*request);
    if (!count.ok()) return count.status();
    PrintTable({{"count", "revision", "next_cursor"},
                {{U64Cell(count->count()), U64Cell(count->header().revision()),
                  TextCell(HexEncode(count->next_cursor()))}}},
               args.output);
    return absl::OkStatus();
  }
  // Rows are written as they arrive (a table waits for its widths); an
  // error midway leaves the rows before it printed, and exits non-zero.
  RowWriter rows(args.output, {"point", "value", "revision"}, /*paged=*/true);
  absl::StatusOr<client::QuerySummary> summary =
      client.Query(*request, [&](const v1::Record& record) {
        rows.Add(RecordCells(record));
        return true;
      });
  if (!summary.ok()) return summary.status();
  rows.Finish(summary->next_cursor);
  return absl::OkStatus();
}

// `replication status`: the servers this one pulls from, then the
// subscribers pulling from it. `replication forget ID`: drop a subscriber
// that will not come back.
absl::Status ReplicationCommand(client::Client& client, const Args& args) {
  if (args.words.size() == 3 && args.words[1] == "forget") {
    if (absl::Status forgot = client.ForgetSubscriber(args.words[2]);
        !forgot.ok()) {
      return forgot;
    }
    PrintDone(args.output, "replication forget",
              {{"subscriber_id", TextCell(args.words[2])}});
    return absl::OkStatus();
  }
  if (args.words.size() != 2 || args.words[1] != "status") {
    return Usage(
        "replication: expected 'replication status' or 'replication forget "
        "ID'");
  }
  absl::StatusOr<v1::ReplicationStatusResponse> s = client.ReplicationStatus();
  if (!s.ok()) return s.status();
  Table table{
      {"role", "peer", "node_id", "state", "cursor", "pending", "lag_revisions",
       "lag_ms", "last_success", "last_message", "last_error_at", "last_error"},
      {}};
  for (const v1::SourceState& source : s->sources()) {
    // A source's pending: what it has that this server has not applied.
    table.rows.push_back(
        {TextCell("source"), TextCell(source.address()),
         NumberCell(source.node_id()), TextCell(source.state()),
         U64Cell(source.cursor()), U64Cell(source.lag_revisions()),
         U64Cell(source.lag_revisions()), I64Cell(source.lag_ms()),
         TimeCell(source.last_success_unix_ms()),
         TimeCell(source.last_message_unix_ms()),
         TimeCell(source.last_error_unix_ms()), TextCell(source.last_error())});
  }
  for (const v1::SubscriberState& subscriber : s->subscribers()) {
    table.rows.push_back(
        {TextCell("subscriber"),
         TextCell(subscriber.subscriber_id() + " " + subscriber.peer()),
         NullCell("-"),
         TextCell(subscriber.connected() ? "connected" : "disconnected"),
         U64Cell(subscriber.acked_revision()), U64Cell(subscriber.pending()),
         NullCell("-"), NullCell("-"), TimeCell(subscriber.last_ack_unix_ms()),
         NullCell("-"), NullCell("-"), TextCell(subscriber.last_error())});
  }
  PrintTable(table, args.output);
  return absl::OkStatus();
}

// Compacts `space` (every space when empty) while another thread polls
// Admin.Stats for the compaction's progress: rewritten in place on a
// terminal, or one line a second with --progress; with either, a last line
// "compact: N of N versions".
absl::Status CompactWithProgress(client::Client& client,
                                 const std::string& space, const Args& args) {
  const bool lines = args.Flag("progress").has_value();
  const bool terminal = isatty(STDERR_FILENO) != 0;
  if (!lines && !terminal) return client.Compact(space);
  absl::StatusOr<v1::StatsResponse> start = client.Stats();
  if (!start.ok()) return client.Compact(space);
  const uint64_t read_before = start->compaction_versions_read();
  auto show = [&](const v1::StatsResponse& now, bool last) {
    const uint64_t all = now.compaction_versions_total() - read_before;
    const uint64_t done = now.compaction_versions_read() - read_before;
    if (all == 0 && !last) return;
    std::fprintf(stderr,
                 lines ? "compact: %llu of %llu versions%s\n"
                       : "\rcompact: %llu of %llu versions%s",
                 static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(all),
                 last && !lines ? "\n" : "");
  };
  std::atomic<bool> finished{false};
  std::thread poller([&] {
    auto next = std::chrono::steady_clock::now();
    while (!finished.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (std::chrono::steady_clock::now() < next) continue;
      next += std::chrono::milliseconds(lines ? 1000 : 200);
      absl::StatusOr<v1::StatsResponse> now = client.Stats();
      if (now.ok() && !finished.load()) show(*now, false);
    }
  });
  absl::Status done = client.Compact(space);
  finished = true;
  poller.join();
  absl::StatusOr<v1::StatsResponse> end = client.Stats();
  if (done.ok() && end.ok()) show(*end, true);
  return done;
}

absl::Status AdminCommand(client::Client& client, const Args& args) {
  const std::string& verb = args.words[0];
  if (verb == "flush" || verb == "compact") {
    const std::string space = args.words.size() > 1 ? args.words[1] : "";
    absl::Status done = verb == "flush"
                            ? client.Flush()
                            : CompactWithProgress(client, space, args);
    if (!done.ok()) return done;
    PrintDone(
        args.output, verb,
        verb == "compact"
            ? std::vector<std::pair<std::string, Cell>>{{"space",
                                                         space.empty()
                                                             ? NullCell()
                                                             : TextCell(space)}}
            : std::vector<std::pair<std::string, Cell>>{});
    return absl::OkStatus();
  }
  if (verb == "status") {
    absl::StatusOr<v1::StatusResponse> s = client.Status();
    if (!s.ok()) return s.status();
    PrintTable({{"node_id", "version", "revision", "durability", "data_dir",
                 "uptime_s"},
                {{NumberCell(s->node_id()), TextCell(s->version()),
                  U64Cell(s->header().revision()), TextCell(s->durability()),
                  TextCell(s->data_dir()), U64Cell(s->uptime_seconds())}}},
               args.output);
    return absl::OkStatus();
  }
  absl::StatusOr<v1::StatsResponse> s = client.Stats();
  if (!s.ok()) return s.status();
  Table table{{"stat", "value"}, {}};
  const auto* descriptor = s->GetDescriptor();
  const auto* reflection = s->GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_UINT64) {
      continue;
    }
    table.rows.push_back(
        {TextCell(field->name()), U64Cell(reflection->GetUInt64(*s, field))});
  }
  PrintTable(table, args.output);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::QueryRequest> QueryFlags(const Args& args) {
  v1::QueryRequest request;
  absl::StatusOr<std::string> space = Operand(args, 1, "SPACE");
  if (!space.ok()) return space.status();
  request.set_space(*space);
  absl::StatusOr<v1::ReadOptions> read = ReadFlags(args);
  if (!read.ok()) return read.status();
  *request.mutable_read() = *read;
  if (args.Flag("min") || args.Flag("max")) {
    absl::Status box = BoxFlags(args, request.mutable_box());
    if (!box.ok()) return box;
  } else if (std::optional<std::string> scope = args.Flag("scope")) {
    absl::StatusOr<std::vector<uint32_t>> prefix =
        ParseCoordinates(*scope, "scope");
    if (!prefix.ok()) return prefix.status();
    request.mutable_scope()->mutable_prefix()->Assign(prefix->begin(),
                                                      prefix->end());
  }
  if (absl::Status page = PageFlags(args, request); !page.ok()) return page;
  return request;
}

absl::Status RunCommand(client::Client& client, const Args& args) {
  if (args.words.empty()) return Usage("no command");
  if (absl::Status flags = CheckCommandLine(args); !flags.ok()) return flags;
  const std::string& command = args.words[0];
  if (command == "space") return SpaceCommand(client, args);
  if (command == "branch") return BranchCommand(client, args);
  if (command == "put" || command == "get" || command == "del" ||
      command == "history") {
    return RecordCommand(client, args);
  }
  if (command == "query" || command == "count") {
    return QueryCommand(client, args);
  }
  if (command == "edge") return EdgeCommand(client, args);
  if (command == "import") return ImportCommand(client, args);
  if (command == "export") return ExportCommand(client, args);
  if (command == "watch") return WatchCommand(client, args);
  if (command == "snapshot") return SnapshotCommand(client, args);
  if (command == "user") return UserCommand(client, args);
  if (command == "role") return RoleCommand(client, args);
  if (command == "auth") return AuthCommand(client, args);
  if (command == "health") {
    absl::StatusOr<bool> serving = client.Serving();
    if (!serving.ok()) return serving.status();
    PrintTable({{"status"}, {{TextCell(*serving ? "SERVING" : "NOT_SERVING")}}},
               args.output);
    if (!*serving) return absl::UnavailableError("the server is not serving");
    return absl::OkStatus();
  }
  if (command == "replication") return ReplicationCommand(client, args);
  if (command == "status" || command == "stats" || command == "flush" ||
      command == "compact") {
    return AdminCommand(client, args);
  }
  return Usage("unknown command '" + command + "'");
}

}  // namespace infinitedb::cli
