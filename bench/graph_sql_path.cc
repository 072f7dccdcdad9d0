#include "bench/graph_sql_path.h"

#include "absl/container/flat_hash_set.h"

namespace infinitedb::bench {
namespace {

struct Side {
  absl::flat_hash_set<Point3> seen;
  std::vector<Point3> frontier;
  uint32_t depth = 0;  // the level of the frontier
};

}  // namespace

absl::StatusOr<PathAnswer> BidirectionalShortestPath(
    const Point3& from, const Point3& to, uint32_t max_depth,
    NeighborsOfFrontier neighbors) {
  PathAnswer answer;
  if (from == to) {
    answer.found = true;
    return answer;
  }
  Side sides[2];
  sides[0] = {{from}, {from}, 0};
  sides[1] = {{to}, {to}, 0};
  std::vector<Point3> reached;
  // Before each step no node is within sides[0].depth of `from` and within
  // sides[1].depth of `to` at once, so the distance exceeds their sum; the
  // first level that meets the other side gives the distance.
  while (sides[0].depth + sides[1].depth < max_depth) {
    const int grow =
        sides[0].frontier.size() <= sides[1].frontier.size() ? 0 : 1;
    Side& side = sides[grow];
    const Side& other = sides[1 - grow];
    reached.clear();
    if (absl::Status s = neighbors(side.frontier, &reached); !s.ok()) return s;
    std::vector<Point3> next;
    bool met = false;
    for (const Point3& node : reached) {
      if (!side.seen.insert(node).second) continue;
      met = met || other.seen.contains(node);
      next.push_back(node);
    }
    ++side.depth;
    if (met) {
      answer.found = true;
      answer.length = sides[0].depth + sides[1].depth;
      return answer;
    }
    if (next.empty()) return answer;  // that side's component is exhausted
    side.frontier = std::move(next);
  }
  return answer;
}

}  // namespace infinitedb::bench
