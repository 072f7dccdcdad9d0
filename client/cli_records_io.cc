// `infdb-cli export SPACE` and `infdb-cli import SPACE FILE`: bulk records
// in JSON lines, one record a line as `query --output jsonl` prints it:
//
//   {"point":[42,3,0],"value":{"text":"13 kN"},"revision":"3"}
//
// Export pages through the space at one revision (the first page's, unless
// --as-of names one) and writes every live record. Import reads such lines
// ("value" may also be a plain string or {"base64": ...}; "deleted": true
// writes a delete; "revision" is ignored; any other member is an error) and
// writes every --batch lines (default 1000) as one atomic Batch: a line
// that does not parse refuses its batch (which is not sent), as does a
// batch the server refuses; the other batches go on, and the report names
// each refused batch. On a terminal both show progress on stderr.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_format.h"
#include "client/cli_commands.h"
#include "client/cli_flags.h"
#include "client/cli_json_input.h"
#include "client/cli_output.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {
namespace {

constexpr uint64_t kDefaultBatchLines = 1000;
constexpr uint64_t kMaxBatchLines = 100'000;
constexpr uint64_t kExportPageRecords = 10'000;

// "N records (R/s)" on stderr, rewritten in place, at most every 200 ms;
// only on a terminal.
class Progress {
 public:
  explicit Progress(const char* verb)
      : verb_(verb), shown_(isatty(STDERR_FILENO) != 0) {}
  void Update(uint64_t records, bool final = false) {
    if (!shown_) return;
    auto now = std::chrono::steady_clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count() + 1e-9;
    std::fprintf(stderr, "\r%s %llu records (%.0f/s)%s", verb_,
                 static_cast<unsigned long long>(records), records / seconds,
                 final ? "\n" : "");
  }

 private:
  const char* verb_;
  const bool shown_;
  const std::chrono::steady_clock::time_point start_ =
      std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

absl::StatusOr<v1::Mutation> MutationOfLine(const std::string& line,
                                            const std::string& space) {
  absl::StatusOr<google::protobuf::Struct> object = JsonObjectOf(line);
  if (!object.ok()) return object.status();
  v1::Mutation mutation;
  mutation.set_space(space);
  bool has_point = false, has_value = false, deleted = false;
  for (const auto& [key, member] : object->fields()) {
    if (key == "point") {
      absl::StatusOr<v1::Point> point = PointOf(member, key);
      if (!point.ok()) return point.status();
      *mutation.mutable_point() = *point;
      has_point = true;
    } else if (key == "value") {
      absl::StatusOr<std::string> bytes = BytesOf(member, key);
      if (!bytes.ok()) return bytes.status();
      mutation.set_put_value(*bytes);
      has_value = true;
    } else if (key == "deleted") {
      if (!member.has_bool_value()) return Invalid(key, "not true or false");
      deleted = member.bool_value();
    } else if (key != "revision") {
      return Invalid(key, "unknown member");
    }
  }
  if (!has_point) return Invalid("point", "required");
  if (deleted) {
    mutation.set_delete_(true);
  } else if (!has_value) {
    return Invalid("value", "required (or \"deleted\": true)");
  }
  return mutation;
}

struct ImportReport {
  uint64_t records = 0;
  uint64_t batches = 0;
  uint64_t batches_written = 0;
  Table refused{{"batch", "lines", "line", "code", "error"}, {}};
  absl::StatusCode first_code = absl::StatusCode::kOk;
  absl::StatusCode last_code = absl::StatusCode::kOk;

  void Refuse(int first_line, int last_line, int line,
              const absl::Status& error) {
    if (refused.rows.empty()) first_code = error.code();
    last_code = error.code();
    refused.rows.push_back(
        {U64Cell(batches),
         TextCell(absl::StrFormat("%d-%d", first_line, last_line)),
         line == 0 ? NullCell("-") : NumberCell(line),
         TextCell(absl::StatusCodeToString(error.code())),
         TextCell(std::string(error.message()))});
  }
};

// Reads and writes one batch; false at the end of the file.
bool ImportBatch(client::Client& client, std::ifstream& in, int& line_number,
                 const Args& args, uint64_t batch_lines, ImportReport& report) {
  v1::BatchRequest request;
  request.set_branch(args.Flag("branch").value_or(""));
  absl::Status bad;
  int bad_line = 0, first_line = 0;
  uint64_t lines = 0;  // of records (blank lines are skipped)
  std::string line;
  while (lines < batch_lines && std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++lines;
    if (first_line == 0) first_line = line_number;
    absl::StatusOr<v1::Mutation> mutation = MutationOfLine(line, args.words[1]);
    if (mutation.ok()) {
      *request.add_mutations() = std::move(*mutation);
    } else if (bad.ok()) {
      bad = mutation.status();
      bad_line = line_number;
    }
  }
  if (first_line == 0) return false;
  ++report.batches;
  if (!bad.ok()) {
    report.Refuse(first_line, line_number, bad_line, bad);
    return true;
  }
  absl::StatusOr<v1::CommitStamp> written = client.Batch(request);
  if (!written.ok()) {
    report.Refuse(first_line, line_number, 0, written.status());
    return true;
  }
  ++report.batches_written;
  report.records += request.mutations_size();
  return true;
}

}  // namespace

absl::Status ImportCommand(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> space = Operand(args, 1, "SPACE");
  if (!space.ok()) return space.status();
  absl::StatusOr<std::string> file = Operand(args, 2, "FILE");
  if (!file.ok()) return file.status();
  absl::StatusOr<uint64_t> batch = Number(args, "batch", kMaxBatchLines);
  if (!batch.ok()) return batch.status();
  if (args.Flag("batch") && *batch == 0) return Usage("--batch: at least 1");
  std::ifstream in(*file);
  if (!in) return absl::NotFoundError("cannot read " + *file);
  ImportReport report;
  Progress progress("imported");
  int line_number = 0;
  while (ImportBatch(client, in, line_number, args,
                     args.Flag("batch") ? *batch : kDefaultBatchLines,
                     report)) {
    progress.Update(report.records);
    // The server is gone: the rest would fail the same way.
    if (report.last_code == absl::StatusCode::kUnavailable) break;
  }
  progress.Update(report.records, /*final=*/true);
  if (args.output == OutputFormat::kTable) {
    std::printf("imported %llu records in %llu of %llu batches\n",
                static_cast<unsigned long long>(report.records),
                static_cast<unsigned long long>(report.batches_written),
                static_cast<unsigned long long>(report.batches));
    if (!report.refused.rows.empty()) PrintTable(report.refused, args.output);
  } else {
    PrintDone(args.output, "import",
              {{"space", TextCell(*space)},
               {"records_written", U64Cell(report.records)},
               {"batches", U64Cell(report.batches)},
               {"batches_written", U64Cell(report.batches_written)},
               {"refused", JsonCell("", TableJson(report.refused))}});
  }
  if (report.refused.rows.empty()) return absl::OkStatus();
  return absl::Status(
      report.first_code,
      absl::StrFormat("%d of %d batches refused, %d records written",
                      report.refused.rows.size(), report.batches,
                      report.records));
}

absl::Status ExportCommand(client::Client& client, const Args& args) {
  absl::StatusOr<v1::QueryRequest> request = QueryFlags(args);
  if (!request.ok()) return request.status();
  if (request->limit() == 0) request->set_limit(kExportPageRecords);
  RowWriter rows(OutputFormat::kJsonl, {"point", "value", "revision"},
                 /*paged=*/false);
  Progress progress("exported");
  uint64_t records = 0;
  while (true) {
    absl::StatusOr<client::QuerySummary> page =
        client.Query(*request, [&](const v1::Record& record) {
          rows.Add(RecordCells(record));
          progress.Update(++records);
          return true;
        });
    if (!page.ok()) return page.status();
    if (page->next_cursor.empty()) break;
    // Every page at the first page's revision: one consistent export.
    request->mutable_read()->set_as_of(page->revision);
    request->set_cursor(page->next_cursor);
  }
  rows.Finish();
  progress.Update(records, /*final=*/true);
  return absl::OkStatus();
}

}  // namespace infinitedb::cli
