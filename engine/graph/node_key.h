// A node (space, point) as one flat string, for hash maps and sets of
// nodes: NodeKey is the space's name, a 0 byte, then the coordinates'
// bytes; WalkNodeKeys, for the many nodes of one walk, puts the space's
// number in the walk (u16) in place of its name, so that the key of a 3-D
// node (14 bytes) is a short string, which does not allocate.
#ifndef INFINITEDB_ENGINE_GRAPH_NODE_KEY_H_
#define INFINITEDB_ENGINE_GRAPH_NODE_KEY_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/coding.h"
#include "engine/graph/edge_codec.h"
#include "engine/public/graph.h"

namespace infinitedb::graph {

inline std::string NodeKey(std::string_view space, const Point& point) {
  std::string key(space);
  key.push_back('\0');
  const size_t at = key.size();
  key.resize(at + 4 * point.size());
  std::memcpy(key.data() + at, point.data(), 4 * point.size());
  return key;
}

inline std::string NodeKey(const NodeRef& node) {
  return NodeKey(node.space, node.point);
}

inline NodeRef NodeOfKey(std::string_view key) {
  const size_t zero = key.find('\0');
  NodeRef node;
  node.space = std::string(key.substr(0, zero));
  node.point.resize((key.size() - zero - 1) / 4);
  std::memcpy(node.point.data(), key.data() + zero + 1, 4 * node.point.size());
  return node;
}

// Coordinates are little-endian u32 in a walk's keys, as in a stored edge.
class WalkNodeKeys {
 public:
  std::string Of(std::string_view space, const Point& point) {
    std::string key = Prefix(space);
    for (uint32_t coordinate : point) PutFixed32(&key, coordinate);
    return key;
  }
  std::string Of(const NodeRef& node) { return Of(node.space, node.point); }
  std::string Of(const EndpointView& endpoint) {
    std::string key = Prefix(endpoint.space);
    key.append(endpoint.point);
    return key;
  }
  NodeRef NodeOf(std::string_view key) const {
    NodeRef node;
    node.space = spaces_[DecodeFixed16(key.data())];
    node.point.resize((key.size() - 2) / 4);
    for (size_t i = 0; i < node.point.size(); ++i) {
      node.point[i] = DecodeFixed32(key.data() + 2 + 4 * i);
    }
    return node;
  }

 private:
  static uint16_t DecodeFixed16(const char* p) {
    return static_cast<uint16_t>(static_cast<uint8_t>(p[0]) |
                                 static_cast<uint8_t>(p[1]) << 8);
  }
  // A walk meets few spaces: a linear search finds the number.
  std::string Prefix(std::string_view space) {
    size_t number = 0;
    while (number < spaces_.size() && spaces_[number] != space) ++number;
    if (number == spaces_.size()) spaces_.emplace_back(space);
    return std::string{static_cast<char>(number & 0xff),
                       static_cast<char>(number >> 8)};
  }

  std::vector<std::string> spaces_;
};

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_NODE_KEY_H_
