#include "engine/graph/graph_spaces.h"

namespace infinitedb::graph {

uint64_t KindHash(std::string_view kind) {
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a, 64 bits
  for (char c : kind) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

absl::Status EnsureGraphSpaces(GraphStore& store) {
  for (const auto& [name, dims] :
       {std::pair{kEdgesSpace, kEdgesDims}, {kKindsSpace, kKindsDims}}) {
    absl::StatusOr<SpaceInfo> space = store.EnsureSystemSpace(name, dims, dims);
    if (!space.ok()) return space.status();
  }
  return absl::OkStatus();
}

}  // namespace infinitedb::graph
