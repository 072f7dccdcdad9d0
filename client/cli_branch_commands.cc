#include "client/cli_branch_commands.h"

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "client/cli_edge_format.h"
#include "client/cli_flags.h"
#include "client/cli_output.h"
#include "client/cli_usage.h"

namespace infinitedb::cli {
namespace {

Table BranchTable(const std::vector<v1::Branch>& branches) {
  Table table{{"name", "parent", "fork_revision", "head_revision", "fork_hlc"},
              {}};
  for (const v1::Branch& b : branches) {
    table.rows.push_back(
        {TextCell(b.name()),
         b.parent().empty() ? NullCell() : TextCell(b.parent()),
         U64Cell(b.fork_revision()), U64Cell(b.head_revision()),
         U64Cell(b.fork_hlc())});
  }
  return table;
}

// With --changes, what each branch and its parent changed since their
// merge base (empty for main).
absl::Status ListCommand(client::Client& client, const Args& args) {
  absl::StatusOr<bool> changes = Switch(args, "changes");
  if (!changes.ok()) return changes.status();
  absl::StatusOr<std::vector<v1::Branch>> branches = client.ListBranches();
  if (!branches.ok()) return branches.status();
  Table table = BranchTable(*branches);
  if (!*changes) {
    PrintTable(table, args.output);
    return absl::OkStatus();
  }
  table.columns.insert(table.columns.end(),
                       {"changed_on_branch", "changed_on_parent"});
  for (size_t i = 0; i < branches->size(); ++i) {
    const v1::Branch& b = (*branches)[i];
    Cell on_branch = NullCell(), on_parent = NullCell();
    if (!b.parent().empty()) {
      absl::StatusOr<v1::GetBranchStatusResponse> status =
          client.GetBranchStatus(b.name());
      if (absl::IsNotFound(status.status())) continue;  // dropped meanwhile
      if (!status.ok()) return status.status();
      on_branch = U64Cell(status->changed_on_branch());
      on_parent = U64Cell(status->changed_on_parent());
    }
    table.rows[i].push_back(on_branch);
    table.rows[i].push_back(on_parent);
  }
  PrintTable(table, args.output);
  return absl::OkStatus();
}

absl::Status CreateCommand(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> name = Operand(args, 2, "NAME");
  if (!name.ok()) return name.status();
  absl::StatusOr<v1::Branch> branch =
      client.CreateBranch(*name, args.Flag("from").value_or(""));
  if (!branch.ok()) return branch.status();
  PrintTable(BranchTable({*branch}), args.output);
  return absl::OkStatus();
}

absl::Status DropCommand(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> name = Operand(args, 2, "NAME");
  if (!name.ok()) return name.status();
  if (absl::Status s = client.DropBranch(*name); !s.ok()) return s;
  PrintDone(args.output, "branch drop", {{"branch", TextCell(*name)}});
  return absl::OkStatus();
}

// The branch against its parent since their merge base, and the merge into
// it in progress, if any.
absl::Status StatusCommand(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> name = Operand(args, 2, "NAME");
  if (!name.ok()) return name.status();
  absl::StatusOr<v1::GetBranchStatusResponse> status =
      client.GetBranchStatus(*name);
  if (!status.ok()) return status.status();
  absl::StatusOr<v1::GetMergeStatusResponse> merge =
      client.GetMergeStatus(*name);
  if (!merge.ok()) return merge.status();
  const v1::Branch& b = status->branch();
  const bool has_parent = !b.parent().empty();
  Table table{{"name", "parent", "fork_revision", "head_revision", "base",
               "changed_on_branch", "changed_on_parent", "merging_from",
               "conflicts", "unresolved"},
              {}};
  table.rows.push_back(
      {TextCell(b.name()), has_parent ? TextCell(b.parent()) : NullCell(),
       U64Cell(b.fork_revision()), U64Cell(b.head_revision()),
       has_parent ? TextCell(BranchAtText(status->base())) : NullCell(),
       U64Cell(status->changed_on_branch()),
       U64Cell(status->changed_on_parent()),
       merge->in_progress() ? TextCell(merge->source()) : NullCell(),
       U64Cell(merge->conflicts()), U64Cell(merge->unresolved())});
  PrintTable(table, args.output);
  return absl::OkStatus();
}

const char* ChangeName(v1::ChangeKind kind) {
  switch (kind) {
    case v1::CHANGE_ADDED:
      return "added";
    case v1::CHANGE_REMOVED:
      return "removed";
    default:
      return "modified";
  }
}

absl::StatusOr<v1::DiffRequest> DiffFlags(const Args& args) {
  v1::DiffRequest request;
  absl::StatusOr<std::string> from = Operand(args, 2, "FROM");
  if (!from.ok()) return from.status();
  absl::StatusOr<std::string> to = Operand(args, 3, "TO");
  if (!to.ok()) return to.status();
  absl::StatusOr<v1::BranchAt> from_at = ParseBranchAt(*from, "FROM");
  if (!from_at.ok()) return from_at.status();
  absl::StatusOr<v1::BranchAt> to_at = ParseBranchAt(*to, "TO");
  if (!to_at.ok()) return to_at.status();
  *request.mutable_from() = *from_at;
  *request.mutable_to() = *to_at;
  request.set_space(args.Flag("space").value_or(""));
  if (args.Flag("min") || args.Flag("max")) {
    if (request.space().empty()) return Usage("--min and --max need --space");
    absl::Status box = BoxFlags(args, request.mutable_box());
    if (!box.ok()) return box;
  }
  if (absl::Status page = PageFlags(args, request); !page.ok()) return page;
  return request;
}

// One side of a diff entry: the value (or edge) and its revision; null
// cells where that side has no live version.
std::pair<Cell, Cell> SideCells(bool is_edge, bool has_record,
                                const v1::Record& record, bool has_edge,
                                const v1::Edge& edge) {
  if (is_edge) {
    if (!has_edge) return {NullCell(), NullCell()};
    return {EdgeCell(edge), U64Cell(edge.stamp().revision())};
  }
  if (!has_record) return {NullCell(), NullCell()};
  return {ValueCell(record.value()), U64Cell(record.stamp().revision())};
}

absl::Status DiffCommand(client::Client& client, const Args& args) {
  absl::StatusOr<v1::DiffRequest> request = DiffFlags(args);
  if (!request.ok()) return request.status();
  absl::StatusOr<v1::DiffResponse> diff = client.Diff(*request);
  if (!diff.ok()) return diff.status();
  Table table{{"change", "space", "point", "edge", "before", "after",
               "before_revision", "after_revision"},
              {}};
  for (const v1::DiffEntry& e : diff->entries()) {
    const bool is_edge = e.edge_id() != 0;
    auto [before, before_revision] =
        SideCells(is_edge, e.has_before(), e.before(), e.has_before_edge(),
                  e.before_edge());
    auto [after, after_revision] = SideCells(
        is_edge, e.has_after(), e.after(), e.has_after_edge(), e.after_edge());
    table.rows.push_back({TextCell(ChangeName(e.kind())), TextCell(e.space()),
                          is_edge ? NullCell() : PointCell(e.point()),
                          is_edge ? U64Cell(e.edge_id()) : NullCell(), before,
                          after, before_revision, after_revision});
  }
  PrintPage(table, diff->next_cursor(), args.output);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::BranchAt> ParseBranchAt(const std::string& text,
                                           const std::string& name) {
  v1::BranchAt at;
  size_t sign = text.rfind('@');
  at.set_branch(text.substr(0, sign));
  if (sign != std::string::npos) {
    uint64_t revision = 0;
    if (!absl::SimpleAtoi(text.substr(sign + 1), &revision) || revision == 0) {
      return Usage(absl::StrFormat(
          "%s: '%s' is not BRANCH or BRANCH@REVISION (a revision from 1)", name,
          text));
    }
    at.set_as_of(revision);
  }
  if (at.branch().empty()) {
    return Usage(absl::StrFormat("%s: '%s' names no branch", name, text));
  }
  return at;
}

std::string BranchAtText(const v1::BranchAt& at) {
  if (at.as_of() == 0) return at.branch();
  return absl::StrFormat("%s@%d", at.branch(), at.as_of());
}

absl::Status BranchCommand(client::Client& client, const Args& args) {
  const std::string verb = args.words.size() > 1 ? args.words[1] : "";
  if (verb == "list") return ListCommand(client, args);
  if (verb == "create") return CreateCommand(client, args);
  if (verb == "drop") return DropCommand(client, args);
  if (verb == "status") return StatusCommand(client, args);
  if (verb == "diff") return DiffCommand(client, args);
  if (verb == "merge" || verb == "conflicts" || verb == "resolve" ||
      verb == "commit" || verb == "abort") {
    return MergeCommand(client, args);
  }
  return Usage(verb.empty() ? "branch: expected a verb (create, list, drop, "
                              "status, diff, merge, conflicts, resolve, "
                              "commit, abort)"
                            : "unknown branch command '" + verb + "'");
}

}  // namespace infinitedb::cli
