// The merge workflow of `infdb-cli branch`: merge SOURCE [--into TARGET],
// conflicts, resolve, commit and abort (cli_branch_commands.h).
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "client/cli_branch_commands.h"
#include "client/cli_edge_commands.h"
#include "client/cli_edge_format.h"
#include "client/cli_flags.h"
#include "client/cli_output.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {
namespace {

std::string Target(const Args& args) {
  return args.Flag("into").value_or("main");
}

absl::StatusOr<v1::MergeStrategy> StrategyFlag(const Args& args) {
  const std::string name = args.Flag("strategy").value_or("fail");
  if (name == "fail") return v1::MERGE_FAIL_ON_CONFLICT;
  if (name == "prefer-target") return v1::MERGE_PREFER_TARGET;
  if (name == "prefer-source") return v1::MERGE_PREFER_SOURCE;
  return Usage(absl::StrFormat(
      "--strategy: '%s' is not fail, prefer-target or prefer-source", name));
}

const char* KindName(v1::ConflictKind kind) {
  switch (kind) {
    case v1::CONFLICT_BOTH_ADDED:
      return "both-added";
    case v1::CONFLICT_DELETED_IN_TARGET:
      return "deleted-in-target";
    case v1::CONFLICT_DELETED_IN_SOURCE:
      return "deleted-in-source";
    default:
      return "both-modified";
  }
}

const char* ResolutionName(v1::Resolution resolution) {
  switch (resolution) {
    case v1::RESOLUTION_OURS:
      return "ours";
    case v1::RESOLUTION_THEIRS:
      return "theirs";
    case v1::RESOLUTION_VALUE:
      return "value";
    case v1::RESOLUTION_DELETE:
      return "delete";
    default:
      return "unresolved";
  }
}

// A side of a conflict in one cell: the value or edge, "(none)" where that
// side has no live version.
Cell SideRecord(bool present, const v1::Record& record) {
  return present ? ValueCell(record.value()) : NullCell("(none)");
}
Cell SideEdge(bool present, const v1::Edge& edge) {
  return present ? EdgeCell(edge) : NullCell("(none)");
}

Table ConflictTable(
    const google::protobuf::RepeatedPtrField<v1::MergeConflict>& conflicts) {
  Table table{{"id", "kind", "space", "point", "edge", "base", "ours", "theirs",
               "resolution", "resolved"},
              {}};
  for (const v1::MergeConflict& c : conflicts) {
    const bool is_edge = c.edge_id() != 0;
    Cell resolved = NullCell();
    if (c.resolution() == v1::RESOLUTION_VALUE) {
      resolved =
          is_edge ? EdgeCell(c.resolved_edge()) : ValueCell(c.resolved_value());
    }
    table.rows.push_back(
        {U64Cell(c.id()), TextCell(KindName(c.kind())), TextCell(c.space()),
         is_edge ? NullCell() : PointCell(c.point()),
         is_edge ? U64Cell(c.edge_id()) : NullCell(),
         is_edge ? SideEdge(c.has_base_edge(), c.base_edge())
                 : SideRecord(c.has_base(), c.base()),
         is_edge ? SideEdge(c.has_ours_edge(), c.ours_edge())
                 : SideRecord(c.has_ours(), c.ours()),
         is_edge ? SideEdge(c.has_theirs_edge(), c.theirs_edge())
                 : SideRecord(c.has_theirs(), c.theirs()),
         TextCell(ResolutionName(c.resolution())), resolved});
  }
  return table;
}

std::string Outcome(const v1::MergeResponse& result, bool dry_run) {
  if (dry_run) return "dry-run";
  if (result.in_progress()) return "conflicts";
  if (result.stamp().revision() == 0) return "up-to-date";
  return result.fast_forward() ? "fast-forward" : "merged";
}

// The merge's outcome in one row; for people, the sample of conflicts and
// the dangling edges after it. A merge stopped at conflicts is exit 1.
absl::Status PrintMerge(const absl::StatusOr<v1::MergeResponse>& result,
                        const std::string& source, const std::string& target,
                        bool dry_run, OutputFormat output) {
  if (!result.ok()) return result.status();
  Table table{{"outcome", "base", "ours_revision", "theirs_revision", "taken",
               "unchanged", "conflicts", "revision"},
              {}};
  table.rows.push_back(
      {TextCell(Outcome(*result, dry_run)),
       TextCell(BranchAtText(result->base())), U64Cell(result->ours_revision()),
       U64Cell(result->theirs_revision()), U64Cell(result->taken()),
       U64Cell(result->unchanged()), U64Cell(result->conflicts()),
       result->stamp().revision() == 0 ? NullCell("-")
                                       : U64Cell(result->stamp().revision())});
  PrintTable(table, output);
  if (output == OutputFormat::kTable && !result->conflict_sample().empty()) {
    std::printf("\n");
    PrintTable(ConflictTable(result->conflict_sample()), output);
  }
  if (!result->dangling_edges().empty()) {
    std::fprintf(stderr,
                 "warning: %d edge(s) now have an endpoint with no live "
                 "record (infdb-cli edge dangling --branch %s)\n",
                 result->dangling_edges_size(), target.c_str());
  }
  if (result->in_progress()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "merge of '%s' into '%s' stopped at %d conflict(s); nothing was "
        "applied. Resolve them (infdb-cli branch conflicts --into %s; "
        "branch resolve ...), then branch commit --into %s, or branch abort "
        "--into %s",
        source, target, result->conflicts(), target, target, target));
  }
  return absl::OkStatus();
}

absl::Status MergeOne(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> source = Operand(args, 2, "SOURCE");
  if (!source.ok()) return source.status();
  v1::MergeRequest request;
  request.set_source(*source);
  request.set_target(Target(args));
  absl::StatusOr<v1::MergeStrategy> strategy = StrategyFlag(args);
  if (!strategy.ok()) return strategy.status();
  request.set_strategy(*strategy);
  absl::StatusOr<bool> dry_run = Switch(args, "dry-run");
  if (!dry_run.ok()) return dry_run.status();
  request.set_dry_run(*dry_run);
  absl::StatusOr<uint64_t> sample = Number(args, "conflict-limit", 10'000);
  if (!sample.ok()) return sample.status();
  request.set_conflict_limit(static_cast<uint32_t>(*sample));
  return PrintMerge(client.Merge(request), *source, request.target(), *dry_run,
                    args.output);
}

absl::Status ConflictsCommand(client::Client& client, const Args& args) {
  v1::ListConflictsRequest request;
  request.set_target(Target(args));
  if (absl::Status page = PageFlags(args, request); !page.ok()) return page;
  absl::StatusOr<v1::ListConflictsResponse> page =
      client.ListConflicts(request);
  if (!page.ok()) return page.status();
  PrintPage(ConflictTable(page->conflicts()), page->next_cursor(), args.output);
  return absl::OkStatus();
}

// Which conflict: the ID operand, --all, --space with --point, or --edge.
absl::Status SelectorFlags(const Args& args, v1::ResolveConflictRequest& out) {
  int given = 0;
  if (args.words.size() > 2) {
    ++given;
    uint64_t id = 0;
    if (!absl::SimpleAtoi(args.words[2], &id) || id == 0) {
      return Usage(absl::StrFormat(
          "ID: '%s' is not a conflict id (a number from 1)", args.words[2]));
    }
    out.set_conflict_id(id);
  }
  absl::StatusOr<bool> all = Switch(args, "all");
  if (!all.ok()) return all.status();
  if (*all) ++given;
  out.set_all(*all);
  if (args.Flag("space") || args.Flag("point")) {
    ++given;
    std::optional<std::string> space = args.Flag("space");
    if (!space) return Usage("--point needs --space");
    absl::StatusOr<std::vector<uint32_t>> point = RequiredPoint(args, "point");
    if (!point.ok()) return point.status();
    out.set_space(*space);
    out.mutable_point()->mutable_coordinates()->Assign(point->begin(),
                                                       point->end());
  }
  if (args.Flag("edge")) {
    ++given;
    absl::StatusOr<uint64_t> edge = Number(args, "edge");
    if (!edge.ok()) return edge.status();
    if (*edge == 0) return Usage("--edge: an edge id is a number from 1");
    out.set_edge_id(*edge);
  }
  if (given != 1) {
    return Usage(
        "resolve: name one conflict: ID, --all, --space S --point P, or "
        "--edge ID");
  }
  return absl::OkStatus();
}

// How it is resolved: --take ours|theirs|delete, --value TEXT,
// --value-file FILE, or --edge-json JSON (an edge's new value).
absl::Status ResolutionFlags(const Args& args,
                             v1::ResolveConflictRequest& out) {
  const int given =
      args.Flag("take").has_value() + args.Flag("value").has_value() +
      args.Flag("value-file").has_value() + args.Flag("edge-json").has_value();
  if (given != 1) {
    return Usage(
        "resolve: give one of --take ours|theirs|delete, --value TEXT, "
        "--value-file FILE or --edge-json JSON");
  }
  if (std::optional<std::string> take = args.Flag("take")) {
    if (*take == "ours") {
      out.set_resolution(v1::RESOLUTION_OURS);
    } else if (*take == "theirs") {
      out.set_resolution(v1::RESOLUTION_THEIRS);
    } else if (*take == "delete") {
      out.set_resolution(v1::RESOLUTION_DELETE);
    } else {
      return Usage(
          absl::StrFormat("--take: '%s' is not ours, theirs or delete", *take));
    }
    return absl::OkStatus();
  }
  out.set_resolution(v1::RESOLUTION_VALUE);
  if (std::optional<std::string> text = args.Flag("value")) {
    out.set_value(*text);
  } else if (std::optional<std::string> file = args.Flag("value-file")) {
    std::ifstream in(*file, std::ios::binary);
    if (!in) return absl::NotFoundError("--value-file: cannot read " + *file);
    std::stringstream contents;
    contents << in.rdbuf();
    out.set_value(contents.str());
  } else {
    absl::StatusOr<v1::Edge> edge = EdgeOfJson(*args.Flag("edge-json"));
    if (!edge.ok()) return FlagError("edge-json", edge.status());
    *out.mutable_edge() = std::move(*edge);
  }
  return absl::OkStatus();
}

absl::Status ResolveCommand(client::Client& client, const Args& args) {
  v1::ResolveConflictRequest request;
  request.set_target(Target(args));
  if (absl::Status s = SelectorFlags(args, request); !s.ok()) return s;
  if (absl::Status s = ResolutionFlags(args, request); !s.ok()) return s;
  if (absl::Status s = client.ResolveConflict(request); !s.ok()) return s;
  absl::StatusOr<v1::GetMergeStatusResponse> status =
      client.GetMergeStatus(request.target());
  if (!status.ok()) return status.status();
  PrintTable({{"target", "source", "conflicts", "unresolved"},
              {{TextCell(request.target()), TextCell(status->source()),
                U64Cell(status->conflicts()), U64Cell(status->unresolved())}}},
             args.output);
  return absl::OkStatus();
}

}  // namespace

absl::Status MergeCommand(client::Client& client, const Args& args) {
  const std::string& verb = args.words[1];
  if (verb == "merge") return MergeOne(client, args);
  if (verb == "conflicts") return ConflictsCommand(client, args);
  if (verb == "resolve") return ResolveCommand(client, args);
  const std::string target = Target(args);
  if (verb == "commit") {
    absl::StatusOr<v1::GetMergeStatusResponse> status =
        client.GetMergeStatus(target);
    if (!status.ok()) return status.status();
    return PrintMerge(client.CommitMerge(target), status->source(), target,
                      false, args.output);
  }
  if (absl::Status s = client.AbortMerge(target); !s.ok()) return s;
  PrintDone(args.output, "branch abort", {{"target", TextCell(target)}});
  return absl::OkStatus();
}

}  // namespace infinitedb::cli
