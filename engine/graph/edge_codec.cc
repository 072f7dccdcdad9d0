#include "engine/graph/edge_codec.h"

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"

namespace infinitedb::graph {
namespace {

constexpr uint8_t kFormatVersion = 1;
constexpr uint8_t kDirectedFlag = 1;
constexpr uint8_t kWeightFlag = 2;

bool ReadString(ByteReader& reader, std::string* out) {
  std::string_view view;
  if (!reader.ReadLengthPrefixed(&view)) return false;
  out->assign(view);
  return true;
}

bool ReadPolarity(ByteReader& reader, Polarity* polarity) {
  uint8_t byte = 0;
  if (!reader.ReadByte(&byte) || byte > 2) return false;
  *polarity = static_cast<Polarity>(byte);
  return true;
}

bool ReadEndpoint(ByteReader& reader, Endpoint* endpoint) {
  uint8_t dims = 0;
  if (!ReadString(reader, &endpoint->space) || !reader.ReadByte(&dims) ||
      dims < kMinDims || dims > kMaxDims) {
    return false;
  }
  endpoint->point.resize(dims);
  for (uint32_t& coordinate : endpoint->point) {
    if (!reader.ReadFixed32(&coordinate)) return false;
  }
  return ReadString(reader, &endpoint->role) &&
         ReadPolarity(reader, &endpoint->polarity);
}

// The version, flags and weight.
bool ReadEdgeHead(ByteReader& reader, bool* directed,
                  std::optional<int64_t>* weight) {
  uint8_t version = 0, flags = 0;
  if (!reader.ReadByte(&version) || version != kFormatVersion ||
      !reader.ReadByte(&flags)) {
    return false;
  }
  *directed = (flags & kDirectedFlag) != 0;
  weight->reset();
  if (flags & kWeightFlag) {
    uint64_t value = 0;
    if (!reader.ReadFixed64(&value)) return false;
    *weight = static_cast<int64_t>(value);
  }
  return true;
}

bool ReadEdgeBody(ByteReader& reader, Edge* edge) {
  if (!ReadEdgeHead(reader, &edge->directed, &edge->weight)) return false;
  uint32_t count = 0;
  if (!ReadString(reader, &edge->kind) || !reader.ReadFixed32(&count)) {
    return false;
  }
  if (count > reader.remaining()) return false;
  edge->endpoints.resize(count);
  for (Endpoint& endpoint : edge->endpoints) {
    if (!ReadEndpoint(reader, &endpoint)) return false;
  }
  if (!reader.ReadFixed32(&count)) return false;
  for (uint32_t i = 0; i < count; ++i) {
    std::string key, value;
    if (!ReadString(reader, &key) || !ReadString(reader, &value)) return false;
    edge->properties.emplace(std::move(key), std::move(value));
  }
  return ReadString(reader, &edge->payload) && reader.empty();
}

}  // namespace

Point EndpointView::ToPoint() const {
  Point out(dims());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = DecodeFixed32(point.data() + 4 * i);
  }
  return out;
}

bool EndpointView::Is(std::string_view node_space,
                      const Point& node_point) const {
  if (space != node_space || node_point.size() != dims()) return false;
  for (size_t i = 0; i < node_point.size(); ++i) {
    if (DecodeFixed32(point.data() + 4 * i) != node_point[i]) return false;
  }
  return true;
}

bool DecodeEdgeView(std::string_view value, EdgeView* view) {
  ByteReader reader(value);
  uint32_t count = 0;
  if (!ReadEdgeHead(reader, &view->directed, &view->weight) ||
      !reader.ReadLengthPrefixed(&view->kind) || !reader.ReadFixed32(&count) ||
      count > reader.remaining()) {
    return false;
  }
  view->endpoints.resize(count);
  for (EndpointView& endpoint : view->endpoints) {
    uint8_t dims = 0;
    if (!reader.ReadLengthPrefixed(&endpoint.space) ||
        !reader.ReadByte(&dims) || dims < kMinDims || dims > kMaxDims ||
        !reader.ReadBytes(4 * dims, &endpoint.point) ||
        !reader.ReadLengthPrefixed(&endpoint.role) ||
        !ReadPolarity(reader, &endpoint.polarity)) {
      return false;
    }
  }
  // The rest is not read, only checked to be whole.
  if (!reader.ReadFixed32(&count)) return false;
  std::string_view skipped;
  for (uint32_t i = 0; i < count; ++i) {
    if (!reader.ReadLengthPrefixed(&skipped) ||
        !reader.ReadLengthPrefixed(&skipped)) {
      return false;
    }
  }
  return reader.ReadLengthPrefixed(&skipped) && reader.empty();
}

std::string EncodeEdge(const Edge& edge) {
  std::string out;
  out.push_back(static_cast<char>(kFormatVersion));
  out.push_back(static_cast<char>((edge.directed ? kDirectedFlag : 0) |
                                  (edge.weight ? kWeightFlag : 0)));
  if (edge.weight) PutFixed64(&out, static_cast<uint64_t>(*edge.weight));
  PutLengthPrefixed(&out, edge.kind);
  PutFixed32(&out, static_cast<uint32_t>(edge.endpoints.size()));
  for (const Endpoint& endpoint : edge.endpoints) {
    PutLengthPrefixed(&out, endpoint.space);
    out.push_back(static_cast<char>(endpoint.point.size()));
    for (uint32_t coordinate : endpoint.point) PutFixed32(&out, coordinate);
    PutLengthPrefixed(&out, endpoint.role);
    out.push_back(static_cast<char>(endpoint.polarity));
  }
  PutFixed32(&out, static_cast<uint32_t>(edge.properties.size()));
  for (const auto& [key, value] : edge.properties) {
    PutLengthPrefixed(&out, key);
    PutLengthPrefixed(&out, value);
  }
  PutLengthPrefixed(&out, edge.payload);
  return out;
}

absl::StatusOr<Edge> DecodeEdge(std::string_view value, EdgeId id,
                                const CommitStamp& stamp) {
  Edge edge;
  ByteReader reader(value);
  if (!ReadEdgeBody(reader, &edge)) {
    return absl::DataLossError(absl::StrFormat(
        "edge %d: its stored value (%d bytes, revision %d) does not decode", id,
        value.size(), stamp.revision));
  }
  edge.id = id;
  edge.stamp = stamp;
  return edge;
}

std::string EncodeIncidence(
    const Edge& edge,
    const std::vector<std::pair<std::string_view, Polarity>>& roles) {
  std::string out;
  out.push_back(static_cast<char>(kFormatVersion));
  out.push_back(static_cast<char>(edge.directed ? kDirectedFlag : 0));
  PutLengthPrefixed(&out, edge.kind);
  PutFixed32(&out, static_cast<uint32_t>(roles.size()));
  for (const auto& [role, polarity] : roles) {
    PutLengthPrefixed(&out, role);
    out.push_back(static_cast<char>(polarity));
  }
  return out;
}

bool DecodeIncidence(std::string_view value, IncidenceEntry* entry) {
  ByteReader reader(value);
  uint8_t version = 0, flags = 0;
  uint32_t count = 0;
  if (!reader.ReadByte(&version) || version != kFormatVersion ||
      !reader.ReadByte(&flags) || !reader.ReadLengthPrefixed(&entry->kind) ||
      !reader.ReadFixed32(&count) || count > value.size()) {
    return false;
  }
  entry->directed = (flags & kDirectedFlag) != 0;
  entry->roles.clear();
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view role;
    Polarity polarity;
    if (!reader.ReadLengthPrefixed(&role) || !ReadPolarity(reader, &polarity)) {
      return false;
    }
    entry->roles.emplace_back(role, polarity);
  }
  return reader.empty();
}

}  // namespace infinitedb::graph
