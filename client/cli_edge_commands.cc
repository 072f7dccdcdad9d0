#include "client/cli_edge_commands.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "client/cli_edge_format.h"
#include "client/cli_flags.h"
#include "client/cli_output.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {
namespace {

absl::StatusOr<uint64_t> EdgeIdOperand(const Args& args) {
  absl::StatusOr<std::string> text = Operand(args, 2, "ID");
  if (!text.ok()) return text.status();
  uint64_t id = 0;
  if (!absl::SimpleAtoi(*text, &id) || id == 0) {
    return Usage(
        absl::StrFormat("ID: '%s' is not an edge id (a number from "
                        "1 to %d)",
                        *text, UINT64_MAX));
  }
  return id;
}

absl::Status PrintWritten(const absl::StatusOr<v1::EdgeWriteResponse>& written,
                          OutputFormat output) {
  if (!written.ok()) return written.status();
  const v1::CommitStamp& stamp = written->stamp();
  PrintTable({{"id", "revision", "hlc", "origin"},
              {{U64Cell(written->id()), U64Cell(stamp.revision()),
                U64Cell(stamp.hlc()), NumberCell(stamp.origin())}}},
             output);
  return absl::OkStatus();
}

// --prop KEY=VALUE ... into the edge's properties.
absl::Status PropertyFlags(const Args& args, v1::Edge& edge) {
  for (const std::string& prop : args.FlagValues("prop")) {
    size_t equals = prop.find('=');
    if (equals == std::string::npos) {
      return Usage(absl::StrFormat("--prop: '%s' is not KEY=VALUE", prop));
    }
    (*edge.mutable_properties())[prop.substr(0, equals)] =
        prop.substr(equals + 1);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::PutEdgeRequest> PutFlags(const Args& args) {
  v1::PutEdgeRequest request;
  request.set_branch(args.Flag("branch").value_or(""));
  v1::Edge& edge = *request.mutable_edge();
  std::optional<std::string> kind = args.Flag("kind");
  if (!kind) return Usage("--kind is required");
  edge.set_kind(*kind);
  for (const std::string& text : args.FlagValues("endpoint")) {
    absl::StatusOr<v1::Endpoint> endpoint = ParseEndpoint(text);
    if (!endpoint.ok()) return FlagError("endpoint", endpoint.status());
    *edge.add_endpoints() = std::move(*endpoint);
  }
  absl::StatusOr<bool> directed = Switch(args, "directed");
  if (!directed.ok()) return directed.status();
  edge.set_directed(*directed);
  if (std::optional<std::string> weight = args.Flag("weight")) {
    int64_t value = 0;
    if (!absl::SimpleAtoi(*weight, &value)) {
      return Usage(absl::StrFormat(
          "--weight: '%s' is not a signed 64-bit integer", *weight));
    }
    edge.mutable_weight()->set_value(value);
  }
  if (absl::Status s = PropertyFlags(args, edge); !s.ok()) return s;
  edge.set_payload(args.Flag("payload").value_or(""));
  absl::StatusOr<uint64_t> id = Number(args, "id");
  if (!id.ok()) return id.status();
  edge.set_id(*id);
  absl::StatusOr<std::optional<uint64_t>> if_revision = IfRevision(args);
  if (!if_revision.ok()) return if_revision.status();
  if (*if_revision) request.mutable_if_revision()->set_revision(**if_revision);
  return request;
}

absl::Status PutCommand(client::Client& client, const Args& args) {
  absl::StatusOr<v1::PutEdgeRequest> request = PutFlags(args);
  if (!request.ok()) return request.status();
  return PrintWritten(client.PutEdge(*request), args.output);
}

absl::Status DeleteCommand(client::Client& client, const Args& args) {
  absl::StatusOr<uint64_t> id = EdgeIdOperand(args);
  if (!id.ok()) return id.status();
  v1::DeleteEdgeRequest request;
  request.set_branch(args.Flag("branch").value_or(""));
  request.set_id(*id);
  absl::StatusOr<std::optional<uint64_t>> if_revision = IfRevision(args);
  if (!if_revision.ok()) return if_revision.status();
  if (*if_revision) request.mutable_if_revision()->set_revision(**if_revision);
  return PrintWritten(client.DeleteEdge(request), args.output);
}

// `edge get ID` and `edge history ID`.
absl::Status ReadCommand(client::Client& client, const Args& args) {
  absl::StatusOr<uint64_t> id = EdgeIdOperand(args);
  if (!id.ok()) return id.status();
  absl::StatusOr<v1::ReadOptions> read = ReadFlags(args);
  if (!read.ok()) return read.status();
  if (args.words[1] == "get") {
    v1::GetEdgeRequest request;
    *request.mutable_read() = *read;
    request.set_id(*id);
    absl::StatusOr<v1::GetEdgeResponse> response = client.GetEdge(request);
    if (!response.ok()) return response.status();
    if (!response->found()) {
      return absl::NotFoundError(absl::StrFormat(
          "no edge %d as of revision %d", *id, response->header().revision()));
    }
    PrintTable(EdgeTable({response->edge()}, false), args.output);
    return absl::OkStatus();
  }
  v1::EdgeHistoryRequest request;
  *request.mutable_read() = *read;
  request.set_id(*id);
  absl::StatusOr<v1::EdgeHistoryResponse> response =
      client.EdgeHistory(request);
  if (!response.ok()) return response.status();
  PrintTable(
      EdgeTable({response->versions().begin(), response->versions().end()},
                true),
      args.output);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::EdgeFilter> FilterFlags(const Args& args) {
  v1::EdgeFilter filter;
  if (std::optional<std::string> direction = args.Flag("direction")) {
    absl::StatusOr<v1::Direction> parsed = ParseDirection(*direction);
    if (!parsed.ok()) return FlagError("direction", parsed.status());
    filter.set_direction(*parsed);
  }
  for (const std::string& kind : args.FlagValues("kind")) {
    filter.add_kinds(kind);
  }
  for (const std::string& role : args.FlagValues("role")) {
    filter.add_roles(role);
  }
  return filter;
}

absl::Status EdgeCommand(client::Client& client, const Args& args) {
  const std::string verb = args.words.size() > 1 ? args.words[1] : "";
  if (verb == "put") return PutCommand(client, args);
  if (verb == "del") return DeleteCommand(client, args);
  if (verb == "get" || verb == "history") return ReadCommand(client, args);
  if (verb == "import") return EdgeImportCommand(client, args);
  if (verb == "kinds" || verb == "declare") {
    return EdgeKindsCommand(client, args);
  }
  if (verb == "incident" || verb == "box" || verb == "kind" ||
      verb == "degree" || verb == "traverse" || verb == "path" ||
      verb == "cycle" || verb == "dangling") {
    return EdgeQueryCommand(client, args);
  }
  return Usage(verb.empty() ? "edge: expected a verb (put, get, del, "
                              "history, incident, box, kind, degree, "
                              "traverse, path, cycle, dangling, import, "
                              "kinds, declare)"
                            : "unknown edge command '" + verb + "'");
}

}  // namespace infinitedb::cli
