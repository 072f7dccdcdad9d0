#include "engine/graph/graph_reader.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/graph/graph_read_helpers.h"
#include "engine/graph/graph_spaces.h"

namespace infinitedb::graph {
namespace {

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return names.empty() ||
         std::find(names.begin(), names.end(), name) != names.end();
}

// The space exists or the read is of nothing: NotFound of a missing system
// space becomes "no answers", other errors stay errors.
bool Missing(GraphStore& store, const absl::Status& status,
             std::string_view space) {
  return absl::IsNotFound(status) && !store.FindSpace(space).ok();
}

NodeRef NodeOfEntry(const std::string& space, const RecordView& view) {
  NodeRef node{space, view.point()};
  node.point.resize(node.point.size() - kIdAxes);
  return node;
}

// The edge a record of the edges space holds, if it is live.
absl::StatusOr<std::optional<Edge>> LiveEdge(
    const std::optional<Record>& record, EdgeId id) {
  if (!record) return std::nullopt;
  absl::StatusOr<Edge> edge = DecodeEdge(record->value, id, record->stamp);
  if (!edge.ok()) return edge.status();
  return std::optional<Edge>(std::move(*edge));
}

}  // namespace

absl::StatusOr<std::optional<Edge>> ReadEdge(GraphStore& store,
                                             const ReadOptions& options,
                                             EdgeId id) {
  absl::StatusOr<std::optional<Record>> record =
      store.Get(options, kEdgesSpace, EdgePoint(id));
  if (!record.ok()) {
    if (Missing(store, record.status(), kEdgesSpace)) return std::nullopt;
    return record.status();
  }
  return LiveEdge(*record, id);
}

bool PassesAtNode(const EdgeFilter& filter, const IncidenceEntry& entry) {
  if (!Contains(filter.kinds, entry.kind)) return false;
  bool tail = false, head = false, role = filter.roles.empty();
  for (const auto& [name, polarity] : entry.roles) {
    tail = tail || polarity == Polarity::kTail;
    head = head || polarity == Polarity::kHead;
    role = role || Contains(filter.roles, name);
  }
  switch (filter.direction) {
    case Direction::kAny:
      break;
    case Direction::kOutgoing:
      if (!entry.directed || !tail) return false;
      break;
    case Direction::kIncoming:
      if (!entry.directed || !head) return false;
      break;
    case Direction::kNeutral:
      if (entry.directed) return false;
      break;
  }
  return role;
}

absl::StatusOr<GraphReader> GraphReader::Open(GraphStore& store,
                                              GraphCache* cache,
                                              std::string branch,
                                              Revision as_of,
                                              std::string_view cursor) {
  std::string record_cursor;
  if (!cursor.empty()) {
    ByteReader reader(cursor);
    uint8_t version = 0;
    Revision revision = 0;
    if (!reader.ReadByte(&version) || version != kGraphCursorVersion ||
        !reader.ReadFixed64(&revision) || revision == 0 || reader.empty()) {
      return absl::InvalidArgumentError("cursor: not a cursor of a graph read");
    }
    if (as_of != 0 && as_of != revision) {
      return absl::InvalidArgumentError(
          absl::StrFormat("cursor: it reads revision %d but as_of asks for %d",
                          revision, as_of));
    }
    as_of = revision;
    record_cursor = std::string(cursor.substr(9));
  }
  // Taken before anything is read (GraphCache: generations).
  const uint64_t generation = cache != nullptr ? cache->generation() : 0;
  if (absl::Status s = store.CheckBranch(branch); !s.ok()) return s;
  const Revision current = store.CurrentRevision();
  if (as_of > current) {
    return absl::OutOfRangeError(absl::StrFormat(
        "as_of: revision %d is beyond the newest revision %d", as_of, current));
  }
  return GraphReader(&store, cache, generation, std::move(branch),
                     as_of == 0 ? current : as_of, std::move(record_cursor));
}

absl::StatusOr<SpaceSnapshot*> GraphReader::SnapshotOf(
    const std::string& space) const {
  auto known = snapshots_.find(space);
  if (known == snapshots_.end()) {
    absl::StatusOr<std::unique_ptr<SpaceSnapshot>> opened =
        store_->OpenSnapshot(Options(), space);
    if (!opened.ok() && !Missing(*store_, opened.status(), space)) {
      return opened.status();
    }
    known =
        snapshots_.emplace(space, opened.ok() ? std::move(*opened) : nullptr)
            .first;
  }
  return known->second.get();
}

absl::StatusOr<std::shared_ptr<const StoredEdge>> GraphReader::StoredEdgeOf(
    EdgeId id) const {
  std::shared_ptr<const StoredEdge> cached;
  if (cache_ != nullptr &&
      cache_->FindEdge(branch_, id, revision_, cache_generation_, &cached)) {
    return cached;
  }
  absl::StatusOr<SpaceSnapshot*> edges = SnapshotOf(kEdgesSpace);
  if (!edges.ok()) return edges.status();
  if (*edges == nullptr) return nullptr;
  absl::StatusOr<std::optional<Record>> record = (*edges)->Get(EdgePoint(id));
  if (!record.ok()) return record.status();
  std::shared_ptr<const StoredEdge> stored;
  if (*record) {
    stored = std::make_shared<const StoredEdge>(
        StoredEdge{(*record)->stamp, std::move((*record)->value)});
  }
  if (cache_ != nullptr) {
    cache_->FillEdge(branch_, id, revision_, cache_generation_, stored);
  }
  return stored;
}

absl::StatusOr<std::optional<Edge>> GraphReader::GetEdge(EdgeId id) const {
  absl::StatusOr<std::shared_ptr<const StoredEdge>> stored = StoredEdgeOf(id);
  if (!stored.ok()) return stored.status();
  if (*stored == nullptr) return std::nullopt;
  absl::StatusOr<Edge> edge =
      DecodeEdge((*stored)->value, id, (*stored)->stamp);
  if (!edge.ok()) return edge.status();
  return std::optional<Edge>(std::move(*edge));
}

absl::StatusOr<std::vector<Edge>> GraphReader::History(EdgeId id) const {
  absl::StatusOr<std::vector<Record>> records =
      store_->History(Options(), kEdgesSpace, EdgePoint(id));
  if (!records.ok()) {
    if (Missing(*store_, records.status(), kEdgesSpace)) {
      return std::vector<Edge>();
    }
    return records.status();
  }
  std::vector<Edge> edges;
  for (const Record& record : *records) {
    Edge edge;
    if (!record.deleted) {
      absl::StatusOr<Edge> decoded = DecodeEdge(record.value, id, record.stamp);
      if (!decoded.ok()) return decoded.status();
      edge = std::move(*decoded);
    }
    edge.id = id;
    edge.stamp = record.stamp;
    edge.deleted = record.deleted;
    edges.push_back(std::move(edge));
  }
  return edges;
}

absl::StatusOr<GraphPage> GraphReader::Page(QueryRequest request, int dims,
                                            uint64_t limit,
                                            RecordFilter matches,
                                            RecordVisitor deliver) const {
  request.branch = branch_;
  request.as_of = revision_;
  request.cursor = record_cursor_;
  GraphPage page;
  page.revision = revision_;
  std::string last_key;
  bool more = false;
  absl::StatusOr<QueryResult> result =
      store_->Query(request, [&](const RecordView& view) {
        if (!matches(view)) return true;
        if (limit != 0 && page.count == limit) {
          more = true;  // one answer past the limit: the page continues
          return false;
        }
        ++page.count;
        last_key.assign(view.key);
        if (deliver(view)) return true;
        more = true;
        return false;
      });
  if (!result.ok()) {
    if (Missing(*store_, result.status(), request.space)) return page;
    return result.status();
  }
  if (more) {
    page.next_cursor = EncodeGraphCursor(
        revision_, store_->CursorAfter(revision_, dims, last_key));
  }
  return page;
}

absl::StatusOr<GraphPage> GraphReader::BoxIncident(
    const std::string& space, const Box& box, const EdgeFilter& filter,
    uint64_t limit, IncidenceVisitor visit) const {
  QueryRequest request;
  request.space = IncidenceSpace(space);
  request.box = IndexBox(box);
  IncidenceEntry entry;
  absl::Status status;
  auto matches = [&](const RecordView& view) {
    if (!DecodeIncidence(view.value, &entry)) {
      status = UndecodableEntry(IdOfEntry(view), space);
      return true;  // delivered, and stops there
    }
    return PassesAtNode(filter, entry);
  };
  auto deliver = [&](const RecordView& view) {
    if (!status.ok()) return false;
    const EdgeId id = IdOfEntry(view);
    absl::StatusOr<std::optional<Edge>> edge = GetEdge(id);
    if (edge.ok() && !*edge) edge = IndexedEdgeMissing(space, id, revision_);
    if (!edge.ok()) {
      status = edge.status();
      return false;
    }
    return visit(
        ToIncidence(NodeOfEntry(space, view), entry, std::move(**edge)));
  };
  absl::StatusOr<GraphPage> page =
      Page(request, static_cast<int>(box.min.size()) + kIdAxes, limit, matches,
           deliver);
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<GraphPage> GraphReader::ByKind(const std::string& kind,
                                              uint64_t limit,
                                              EdgeVisitor visit) const {
  QueryRequest request;
  request.space = kKindsSpace;
  Point low = KindPoint(kind, 0), high = KindPoint(kind, UINT64_MAX);
  request.box = Box{low, high};
  absl::Status status;
  auto matches = [&](const RecordView& view) { return view.value == kind; };
  auto deliver = [&](const RecordView& view) {
    const EdgeId id = IdOfEntry(view);
    absl::StatusOr<std::optional<Edge>> edge = GetEdge(id);
    if (edge.ok() && !*edge) {
      edge = absl::DataLossError(absl::StrFormat(
          "the kind index names edge %d, which has no live version at "
          "revision %d",
          id, revision_));
    }
    if (!edge.ok()) {
      status = edge.status();
      return false;
    }
    return visit(**edge);
  };
  absl::StatusOr<GraphPage> page =
      Page(request, kKindsDims, limit, matches, deliver);
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<GraphPage> GraphReader::Dangling(uint64_t limit,
                                                EdgeVisitor visit) const {
  QueryRequest request;
  request.space = kEdgesSpace;
  absl::Status status;
  Edge edge;
  auto matches = [&](const RecordView& view) {
    absl::StatusOr<Edge> decoded =
        DecodeEdge(view.value, IdOfEntry(view), view.stamp);
    if (!decoded.ok()) {
      status = decoded.status();
      return true;  // delivered, and stops there
    }
    edge = std::move(*decoded);
    for (const Endpoint& endpoint : edge.endpoints) {
      absl::StatusOr<std::optional<Record>> record =
          store_->Get(Options(), endpoint.space, endpoint.point);
      if (!record.ok() && !absl::IsNotFound(record.status()) &&
          !absl::IsInvalidArgument(record.status())) {
        status = record.status();
        return true;
      }
      // No record, no such space, or a space of other dimensions now.
      if (!record.ok() || !record->has_value()) return true;
    }
    return false;
  };
  auto deliver = [&](const RecordView&) { return status.ok() && visit(edge); };
  absl::StatusOr<GraphPage> page =
      Page(request, kEdgesDims, limit, matches, deliver);
  if (!status.ok()) return status;
  return page;
}

absl::Status GraphReader::ScanEdges(EdgeVisitor visit) const {
  QueryRequest request;
  request.branch = branch_;
  request.as_of = revision_;
  request.space = kEdgesSpace;
  absl::Status status;
  absl::StatusOr<QueryResult> result =
      store_->Query(request, [&](const RecordView& view) {
        absl::StatusOr<Edge> edge =
            DecodeEdge(view.value, IdOfEntry(view), view.stamp);
        if (!edge.ok()) {
          status = edge.status();
          return false;
        }
        return visit(*edge);
      });
  if (!result.ok() && !Missing(*store_, result.status(), kEdgesSpace)) {
    return result.status();
  }
  return status;
}

}  // namespace infinitedb::graph
