// GraphReader's reads of one node: its index entries (through the graph
// cache), its incident edges and its degree.
#include "absl/strings/str_format.h"
#include "engine/graph/graph_read_helpers.h"
#include "engine/graph/graph_reader.h"
#include "engine/graph/graph_spaces.h"

namespace infinitedb::graph {
namespace {

// A node with more index entries than this is streamed, not cached.
constexpr size_t kMaxNodeEntries = 16384;

}  // namespace

std::shared_ptr<const NodeEntries> GraphReader::CachedEntriesAt(
    const NodeRef& node) const {
  std::shared_ptr<const NodeEntries> cached;
  if (cache_ == nullptr ||
      !cache_->FindNode(branch_, node, revision_, cache_generation_, &cached)) {
    return nullptr;
  }
  return cached;
}

absl::StatusOr<std::shared_ptr<const NodeEntries>> GraphReader::EntriesAt(
    const NodeRef& node) const {
  if (std::shared_ptr<const NodeEntries> cached = CachedEntriesAt(node)) {
    return cached;
  }
  auto entries = std::make_shared<NodeEntries>();
  bool too_many = false;
  absl::Status scanned = ScanIndex(node, [&](const RecordView& view) {
    if (entries->size() == kMaxNodeEntries) {
      too_many = true;
      return false;
    }
    entries->Add(IdOfEntry(view), view.key, view.value);
    return true;
  });
  if (!scanned.ok()) return scanned;
  if (too_many) entries->MarkHub();
  if (cache_ != nullptr) {
    cache_->FillNode(branch_, node, revision_, cache_generation_, entries);
  }
  return entries;
}

absl::Status GraphReader::ScanIndex(const NodeRef& node,
                                    RecordVisitor visit) const {
  absl::StatusOr<SpaceSnapshot*> index = SnapshotOf(IncidenceSpace(node.space));
  if (!index.ok()) return index.status();
  if (*index == nullptr) return absl::OkStatus();  // no edge touched it
  return (*index)->Scan(IndexBox(Box{node.point, node.point}), visit);
}

absl::Status GraphReader::ScanNode(const NodeRef& node,
                                   EntryVisitor visit) const {
  absl::StatusOr<std::shared_ptr<const NodeEntries>> entries = EntriesAt(node);
  if (!entries.ok()) return entries.status();
  IncidenceEntry decoded;
  if ((*entries)->hub()) {  // streamed
    absl::Status status;
    absl::Status scanned = ScanIndex(node, [&](const RecordView& view) {
      if (DecodeIncidence(view.value, &decoded)) {
        return visit(IdOfEntry(view), decoded);
      }
      status = UndecodableEntry(IdOfEntry(view), node.space);
      return false;
    });
    return scanned.ok() ? status : scanned;
  }
  for (const NodeEntry& entry : **entries) {
    if (!DecodeIncidence(entry.value, &decoded)) {
      return UndecodableEntry(entry.id, node.space);
    }
    if (!visit(entry.id, decoded)) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<GraphPage> GraphReader::Incident(const NodeRef& node,
                                                const EdgeFilter& filter,
                                                uint64_t limit,
                                                IncidenceVisitor visit) const {
  if (record_cursor_.empty()) return NodeIncident(node, filter, limit, visit);
  return BoxIncident(node.space, Box{node.point, node.point}, filter, limit,
                     visit);
}

absl::StatusOr<GraphPage> GraphReader::NodeIncident(
    const NodeRef& node, const EdgeFilter& filter, uint64_t limit,
    IncidenceVisitor visit) const {
  // A page of a node not in the cache reads only as far as the page goes.
  absl::StatusOr<std::shared_ptr<const NodeEntries>> entries =
      CachedEntriesAt(node);
  if (*entries == nullptr && limit == 0) entries = EntriesAt(node);
  if (!entries.ok()) return entries.status();
  if (*entries == nullptr || (*entries)->hub()) {  // a page, or a hub
    return BoxIncident(node.space, Box{node.point, node.point}, filter, limit,
                       visit);
  }
  GraphPage page;
  page.revision = revision_;
  IncidenceEntry decoded;
  std::string_view last_key;
  bool more = false;
  for (const NodeEntry& entry : **entries) {
    if (!DecodeIncidence(entry.value, &decoded)) {
      return UndecodableEntry(entry.id, node.space);
    }
    if (!PassesAtNode(filter, decoded)) continue;
    if (limit != 0 && page.count == limit) {
      more = true;  // one answer past the limit: the page continues
      break;
    }
    absl::StatusOr<std::optional<Edge>> edge = GetEdge(entry.id);
    if (!edge.ok()) return edge.status();
    if (!*edge) return IndexedEdgeMissing(node.space, entry.id, revision_);
    ++page.count;
    last_key = entry.key;
    if (!visit(ToIncidence(node, decoded, std::move(**edge)))) {
      more = true;
      break;
    }
  }
  if (more) {
    const int dims = static_cast<int>(node.point.size()) + kIdAxes;
    page.next_cursor = EncodeGraphCursor(
        revision_, store_->CursorAfter(revision_, dims, last_key));
  }
  return page;
}

absl::StatusOr<Degree> GraphReader::NodeDegree(const NodeRef& node,
                                               const EdgeFilter& filter) const {
  Degree degree;
  degree.revision = revision_;
  absl::Status status =
      ScanNode(node, [&](EdgeId, const IncidenceEntry& entry) {
        if (!PassesAtNode(filter, entry)) return true;
        ++degree.total;
        if (!entry.directed) {
          ++degree.neutral;
          return true;
        }
        bool tail = false, head = false;
        for (const auto& [role, polarity] : entry.roles) {
          tail = tail || polarity == Polarity::kTail;
          head = head || polarity == Polarity::kHead;
        }
        degree.outgoing += tail;
        degree.incoming += head;
        return true;
      });
  if (!status.ok()) return status;
  return degree;
}

}  // namespace infinitedb::graph
