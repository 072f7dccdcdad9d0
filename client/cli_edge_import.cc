// `infdb-cli edge import FILE [--batch N] [--branch B]`: bulk load of edges
// from JSON lines through one Graph.ImportEdges stream.
//
// Each non-empty line is one edge, as `edge get --json` prints it:
//
//   {"kind": "beam.bears_on", "directed": true, "weight": 5,
//    "endpoints": ["frame:1,2,3:beam:tail",
//                  {"space": "frame", "point": [4,5,6], "role": "column",
//                   "polarity": "head"}],
//    "properties": {"grade": "S355"}, "payload": "text", "id": 0}
//
// Only kind and endpoints are required; an endpoint is the text of
// --endpoint or an object; "revision" is ignored; any other key is an
// error. Every --batch lines (default kDefaultBatchLines) are one atomic
// write: a line that does not parse, or an edge the server refuses, refuses
// its whole batch (a batch with a line that does not parse is not sent),
// and the other batches go on. The report names each refused batch, its
// lines, the failing line and the error.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_format.h"
#include "client/cli_edge_commands.h"
#include "client/cli_edge_format.h"
#include "client/cli_flags.h"
#include "client/cli_json_input.h"
#include "client/cli_output.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// Lines per batch unless --batch says otherwise.
constexpr uint64_t kDefaultBatchLines = 1000;
// The largest --batch (the server's message size bounds a batch too).
constexpr uint64_t kMaxBatchLines = 100'000;

absl::StatusOr<v1::Endpoint> EndpointOf(const Value& value,
                                        const std::string& field) {
  if (value.has_string_value()) {
    absl::StatusOr<v1::Endpoint> endpoint = ParseEndpoint(value.string_value());
    if (!endpoint.ok()) {
      return Invalid(field, std::string(endpoint.status().message()));
    }
    return endpoint;
  }
  if (!value.has_struct_value()) {
    return Invalid(field, "not \"SPACE:1,2,3:ROLE[:tail|head]\" or an object");
  }
  v1::Endpoint endpoint;
  for (const auto& [key, member] : value.struct_value().fields()) {
    const std::string at = field + "." + key;
    if (key == "space" || key == "role" || key == "polarity") {
      absl::StatusOr<std::string> text = StringOf(member, at);
      if (!text.ok()) return text.status();
      if (key == "space") endpoint.set_space(*text);
      if (key == "role") endpoint.set_role(*text);
      if (key == "polarity") {
        absl::StatusOr<v1::Polarity> polarity = ParsePolarity(*text);
        if (!polarity.ok()) {
          return Invalid(at, std::string(polarity.status().message()));
        }
        endpoint.set_polarity(*polarity);
      }
    } else if (key == "point") {
      absl::StatusOr<v1::Point> point = PointOf(member, at);
      if (!point.ok()) return point.status();
      *endpoint.mutable_point() = std::move(*point);
    } else {
      return Invalid(at, "unknown field");
    }
  }
  return endpoint;
}

// The members of an edge object other than its endpoints.
absl::Status ScalarMember(const std::string& key, const Value& member,
                          v1::Edge& edge) {
  if (key == "id") {
    absl::StatusOr<uint64_t> id = IntegerOf<uint64_t>(member, key);
    if (!id.ok()) return id.status();
    edge.set_id(*id);
  } else if (key == "kind") {
    absl::StatusOr<std::string> text = StringOf(member, key);
    if (!text.ok()) return text.status();
    edge.set_kind(*text);
  } else if (key == "payload") {
    absl::StatusOr<std::string> bytes = BytesOf(member, key);
    if (!bytes.ok()) return bytes.status();
    edge.set_payload(*bytes);
  } else if (key == "directed") {
    if (!member.has_bool_value()) return Invalid(key, "not true or false");
    edge.set_directed(member.bool_value());
  } else if (key == "weight") {
    if (member.has_null_value()) return absl::OkStatus();
    absl::StatusOr<int64_t> weight = IntegerOf<int64_t>(member, key);
    if (!weight.ok()) return weight.status();
    edge.mutable_weight()->set_value(*weight);
  } else if (key == "properties") {
    if (!member.has_struct_value()) return Invalid(key, "not an object");
    for (const auto& [name, value] : member.struct_value().fields()) {
      absl::StatusOr<std::string> text = StringOf(value, key + "." + name);
      if (!text.ok()) return text.status();
      (*edge.mutable_properties())[name] = *text;
    }
  } else if (key != "revision") {
    return Invalid(key, "unknown field");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Edge> EdgeOfLine(const std::string& line) {
  absl::StatusOr<Struct> object = JsonObjectOf(line);
  if (!object.ok()) return object.status();
  v1::Edge edge;
  for (const auto& [key, member] : object->fields()) {
    if (key != "endpoints") {
      if (absl::Status s = ScalarMember(key, member, edge); !s.ok()) return s;
      continue;
    }
    if (!member.has_list_value()) return Invalid(key, "not an array");
    for (int i = 0; i < member.list_value().values_size(); ++i) {
      absl::StatusOr<v1::Endpoint> endpoint = EndpointOf(
          member.list_value().values(i), absl::StrFormat("endpoints[%d]", i));
      if (!endpoint.ok()) return endpoint.status();
      *edge.add_endpoints() = std::move(*endpoint);
    }
  }
  return edge;
}

// The file's batches, read one at a time, and what became of them.
class ImportRun {
 public:
  ImportRun(std::ifstream& in, uint64_t batch_lines, std::string branch)
      : in_(in), batch_lines_(batch_lines), branch_(std::move(branch)) {}

  // Fills the next batch that parses (reporting those that do not); false
  // at the end of the file.
  bool Next(v1::ImportEdgesRequest* request) {
    while (true) {
      request->Clear();
      request->set_branch(branch_);
      lines_.clear();
      std::string line;
      absl::Status bad;
      int bad_line = 0;
      while (lines_.size() < batch_lines_ && std::getline(in_, line)) {
        ++line_number_;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        lines_.push_back(line_number_);
        absl::StatusOr<v1::Edge> edge = EdgeOfLine(line);
        if (edge.ok()) {
          *request->add_edges() = std::move(*edge);
        } else if (bad.ok()) {
          bad = edge.status();
          bad_line = line_number_;
        }
      }
      if (lines_.empty()) return false;
      ++batches_;
      if (bad.ok()) return true;
      Refused(bad_line, static_cast<uint32_t>(bad.code()),
              std::string(bad.message()));
    }
  }

  // The server's answer to the batch Next() filled last.
  void Answered(const v1::ImportEdgesResponse& response) {
    if (response.written()) {
      ++batches_written_;
      edges_written_ += response.edge_ids_size();
      return;
    }
    const v1::ImportError& error = response.error();
    int64_t index = error.edge_index();
    int line = index >= 0 && index < static_cast<int64_t>(lines_.size())
                   ? lines_[index]
                   : 0;
    Refused(line, error.code(), error.message());
  }

  // The report; an error status when a batch was refused.
  absl::Status Report(OutputFormat output) const {
    if (output == OutputFormat::kTable) {
      std::printf("imported %d edges in %d of %d batches\n", edges_written_,
                  batches_written_, batches_);
      if (!refused_.rows.empty()) PrintTable(refused_, output);
    } else {
      PrintDone(output, "edge import",
                {{"edges_written", U64Cell(edges_written_)},
                 {"batches", U64Cell(batches_)},
                 {"batches_written", U64Cell(batches_written_)},
                 {"refused", JsonCell("", TableJson(refused_))}});
    }
    if (refused_.rows.empty()) return absl::OkStatus();
    return absl::Status(
        first_code_,
        absl::StrFormat("%d of %d batches refused, %d edges "
                        "written",
                        refused_.rows.size(), batches_, edges_written_));
  }

 private:
  void Refused(int line, uint32_t code, const std::string& message) {
    if (refused_.rows.empty())
      first_code_ = static_cast<absl::StatusCode>(code);
    refused_.rows.push_back(
        {NumberCell(batches_),
         TextCell(lines_.size() == 1 ? std::to_string(lines_.front())
                                     : absl::StrFormat("%d-%d", lines_.front(),
                                                       lines_.back())),
         line == 0 ? NullCell("-") : NumberCell(line),
         TextCell(
             absl::StatusCodeToString(static_cast<absl::StatusCode>(code))),
         TextCell(message)});
  }

  std::ifstream& in_;
  const uint64_t batch_lines_;
  const std::string branch_;
  int line_number_ = 0;
  std::vector<int> lines_;  // the file lines of the current batch's edges
  int batches_ = 0;         // read from the file
  int batches_written_ = 0;
  int edges_written_ = 0;
  Table refused_{{"batch", "lines", "line", "code", "error"}, {}};
  absl::StatusCode first_code_ = absl::StatusCode::kOk;
};

}  // namespace

absl::StatusOr<v1::Edge> EdgeOfJson(const std::string& text) {
  return EdgeOfLine(text);
}

absl::Status EdgeImportCommand(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> file = Operand(args, 2, "FILE");
  if (!file.ok()) return file.status();
  absl::StatusOr<uint64_t> batch = Number(args, "batch", kMaxBatchLines);
  if (!batch.ok()) return batch.status();
  if (args.Flag("batch") && *batch == 0) {
    return Usage("--batch: at least 1 line");
  }
  std::ifstream in(*file);
  if (!in) return absl::NotFoundError("cannot read " + *file);
  ImportRun run(in, args.Flag("batch") ? *batch : kDefaultBatchLines,
                args.Flag("branch").value_or(""));
  absl::Status stream = client.ImportEdges(
      [&](v1::ImportEdgesRequest* request) { return run.Next(request); },
      [&](const v1::ImportEdgesResponse& response) { run.Answered(response); });
  absl::Status report = run.Report(args.output);
  return stream.ok() ? report : stream;
}

}  // namespace infinitedb::cli
