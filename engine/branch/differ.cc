#include "engine/branch/differ.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/branch/branch_spaces.h"
#include "engine/branch/three_way.h"
#include "engine/common/coding.h"
#include "engine/public/changes.h"

namespace infinitedb::branch {
namespace {

constexpr uint8_t kDiffCursorVersion = 1;
// Addresses read from the sides at a time.
constexpr size_t kReadChunk = 1024;

struct DiffCursor {
  Revision from = 0;
  Revision to = 0;
  std::string space;
  std::string key;
};

std::string EncodeDiffCursor(const DiffCursor& cursor) {
  std::string out(1, static_cast<char>(kDiffCursorVersion));
  PutFixed64(&out, cursor.from);
  PutFixed64(&out, cursor.to);
  PutLengthPrefixed(&out, cursor.space);
  PutLengthPrefixed(&out, cursor.key);
  return out;
}

absl::StatusOr<DiffCursor> DecodeDiffCursor(std::string_view bytes) {
  ByteReader reader(bytes);
  uint8_t version = 0;
  DiffCursor cursor;
  std::string_view space, key;
  if (!reader.ReadByte(&version) || version != kDiffCursorVersion ||
      !reader.ReadFixed64(&cursor.from) || !reader.ReadFixed64(&cursor.to) ||
      !reader.ReadLengthPrefixed(&space) || !reader.ReadLengthPrefixed(&key) ||
      !reader.empty()) {
    return absl::InvalidArgumentError(
        "cursor: not a cursor of a diff (pass next_cursor unchanged)");
  }
  cursor.space = std::string(space);
  cursor.key = std::string(key);
  return cursor;
}

// The spaces the request compares, from the cursor's on.
absl::StatusOr<std::vector<std::string>> SpacesToCompare(
    const Catalog& catalog, const DiffRequest& request,
    std::string_view cursor_space) {
  std::vector<std::string> spaces;
  if (!request.space.empty()) {
    if (request.space.starts_with(kSystemSpacePrefix)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("space: '%s' is a system space", request.space));
    }
    absl::StatusOr<manifest::SpaceEntry> space =
        catalog.FindSpace(request.space);
    if (!space.ok()) {
      return absl::NotFoundError(
          absl::StrFormat("space: no space named '%s'", request.space));
    }
    if (request.box) {
      if (absl::Status s = CheckBox(*request.box, space->dims, "box");
          !s.ok()) {
        return s;
      }
    }
    spaces.push_back(request.space);
  } else {
    if (request.box) {
      return absl::InvalidArgumentError("box: needs a space");
    }
    spaces = ComparedSpaces(catalog);
  }
  if (!cursor_space.empty()) {
    auto at = std::find(spaces.begin(), spaces.end(), cursor_space);
    // A space dropped since the last page: go on with the ones after it.
    auto order = [](std::string_view a, std::string_view b) {
      return std::make_pair(IsEdgeSpace(a), a) <
             std::make_pair(IsEdgeSpace(b), b);
    };
    if (at == spaces.end()) {
      at = std::find_if(spaces.begin(), spaces.end(), [&](const auto& name) {
        return order(cursor_space, name);
      });
    }
    spaces.erase(spaces.begin(), at);
  }
  return spaces;
}

}  // namespace

absl::Status CheckBox(const Box& box, int dims, std::string_view field) {
  if (static_cast<int>(box.min.size()) != dims ||
      static_cast<int>(box.max.size()) != dims) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: the space has %d dimensions, the box has %d and %d", field, dims,
        box.min.size(), box.max.size()));
  }
  for (int axis = 0; axis < dims; ++axis) {
    if (box.min[axis] > box.max[axis]) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: min %d > max %d on axis %d", field,
                          box.min[axis], box.max[axis], axis));
    }
  }
  return absl::OkStatus();
}

absl::Status FillDiffEntry(std::string_view space, const JoinedAddress& joined,
                           DiffEntry* entry) {
  const SideVersion& before = joined.sides[0];
  const SideVersion& after = joined.sides[1];
  entry->kind = KindOfChange(before, after);
  entry->is_edge = IsEdgeSpace(space);
  if (!entry->is_edge) {
    entry->space = std::string(space);
    entry->point = joined.point;
    entry->before = RecordOf(before, joined.point);
    entry->after = RecordOf(after, joined.point);
    return absl::OkStatus();
  }
  entry->edge_id = EdgeIdOf(joined.point);
  absl::StatusOr<std::optional<Edge>> old_edge = EdgeOf(before, entry->edge_id);
  if (!old_edge.ok()) return old_edge.status();
  absl::StatusOr<std::optional<Edge>> new_edge = EdgeOf(after, entry->edge_id);
  if (!new_edge.ok()) return new_edge.status();
  entry->before_edge = std::move(*old_edge);
  entry->after_edge = std::move(*new_edge);
  return absl::OkStatus();
}

absl::StatusOr<DiffPage> Diff(const version::VersionSet& versions,
                              const DiffRequest& request, DiffVisitor visit) {
  DiffCursor cursor;
  if (!request.cursor.empty()) {
    absl::StatusOr<DiffCursor> decoded = DecodeDiffCursor(request.cursor);
    if (!decoded.ok()) return decoded.status();
    cursor = std::move(*decoded);
  }
  absl::StatusOr<Side> from = ResolveSide(
      versions, request.from.branch,
      request.cursor.empty() ? request.from.as_of : cursor.from, "from");
  if (!from.ok()) return from.status();
  absl::StatusOr<Side> to =
      ResolveSide(versions, request.to.branch,
                  request.cursor.empty() ? request.to.as_of : cursor.to, "to");
  if (!to.ok()) return to.status();
  absl::StatusOr<std::vector<std::string>> spaces =
      SpacesToCompare(versions.catalog(), request, cursor.space);
  if (!spaces.ok()) return spaces.status();

  DiffPage page{from->revision, to->revision};
  const Box* box = request.box ? &*request.box : nullptr;
  for (const std::string& space : *spaces) {
    absl::StatusOr<SideJoin> join =
        SideJoin::Open(versions, space, {*from, *to}, box);
    if (absl::IsNotFound(join.status())) continue;  // dropped meanwhile
    if (!join.ok()) return join.status();
    absl::StatusOr<std::vector<std::string>> keys = join->CandidateKeys(
        space == cursor.space ? std::string_view(cursor.key) : "");
    if (!keys.ok()) return keys.status();
    for (size_t first = 0; first < keys->size(); first += kReadChunk) {
      const size_t count = std::min(kReadChunk, keys->size() - first);
      absl::StatusOr<std::vector<JoinedAddress>> joined =
          join->Read(std::span(*keys).subspan(first, count));
      if (!joined.ok()) return joined.status();
      for (const JoinedAddress& address : *joined) {
        if (address.sides[0].SameAs(address.sides[1])) continue;
        if (request.limit != 0 && page.count == request.limit) return page;
        DiffEntry entry;
        if (absl::Status s = FillDiffEntry(space, address, &entry); !s.ok()) {
          return s;
        }
        ++page.count;
        page.next_cursor = EncodeDiffCursor(
            {from->revision, to->revision, space, address.key});
        if (!visit(entry)) return page;
      }
    }
  }
  page.next_cursor.clear();
  return page;
}

}  // namespace infinitedb::branch
