// A node (space, point) as one flat string, for hash maps and sets of nodes
// during walks: the space's name, a 0 byte, then the coordinates' bytes.
#ifndef INFINITEDB_ENGINE_GRAPH_NODE_KEY_H_
#define INFINITEDB_ENGINE_GRAPH_NODE_KEY_H_

#include <cstring>
#include <string>
#include <string_view>

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

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_NODE_KEY_H_
