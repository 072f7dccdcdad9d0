#include "bench/workload.h"

#include <algorithm>
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

double Percentile(std::vector<double>& samples, double percentile) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t index =
      static_cast<size_t>(percentile / 100.0 * (samples.size() - 1) + 0.5);
  return samples[std::min(index, samples.size() - 1)];
}

double Median(std::vector<double> samples) { return Percentile(samples, 50); }

}  // namespace infinitedb::bench
