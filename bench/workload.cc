#include "bench/workload.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/container/flat_hash_set.h"

namespace infinitedb::bench {

std::vector<Point> GeneratePoints(int dims, size_t count, uint64_t seed) {
  SplitMix64 random(seed);
  absl::flat_hash_set<std::vector<uint32_t>> seen;
  std::vector<Point> points;
  points.reserve(count);
  while (points.size() < count) {
    Point p(dims);
    for (uint32_t& c : p)
      c = static_cast<uint32_t>(random.Next() % kCoordinateLimit);
    if (seen.insert(p).second) points.push_back(std::move(p));
  }
  return points;
}

std::string ValueFor(size_t index) {
  char buffer[kValueBytes + 1];
  std::snprintf(buffer, sizeof(buffer), "record-%012zu-", index);
  std::string value(buffer);
  value.resize(kValueBytes, 'v');
  return value;
}

std::vector<Box> SquareBoxes(int dims, double selectivity, size_t count,
                             uint64_t seed) {
  const double side = kCoordinateLimit * std::pow(selectivity, 1.0 / dims);
  const uint32_t span = static_cast<uint32_t>(side);
  SplitMix64 random(seed);
  std::vector<Box> boxes;
  for (size_t i = 0; i < count; ++i) {
    Box box{Point(dims), Point(dims)};
    for (int a = 0; a < dims; ++a) {
      box.min[a] =
          static_cast<uint32_t>(random.Next() % (kCoordinateLimit - span));
      box.max[a] = box.min[a] + span - 1;
    }
    boxes.push_back(std::move(box));
  }
  return boxes;
}

double Percentile(std::vector<double>& samples, double percentile) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t index =
      static_cast<size_t>(percentile / 100.0 * (samples.size() - 1) + 0.5);
  return samples[std::min(index, samples.size() - 1)];
}

double Median(std::vector<double> samples) { return Percentile(samples, 50); }

}  // namespace infinitedb::bench
