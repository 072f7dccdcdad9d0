// infdb-demo: a small end-to-end run of the engine on a local data
// directory: creates a 3-D space, writes a batch and single records, reads
// one back as of an older revision, runs a box query, and prints what it
// did. Stands in for infdb-server until the gRPC server exists.
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/db/engine.h"

namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "infdb-demo: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  infinitedb::EngineOptions options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) {
      options.data_dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: infdb-demo [--data-dir DIR]\n");
      return 2;
    }
  }
  auto engine = infinitedb::Engine::Open(options);
  if (!engine.ok()) return Fail(engine.status());
  infinitedb::Engine& db = **engine;
  if (!db.GetSpace("field").ok()) {
    auto space = db.CreateSpace("field", 3);
    if (!space.ok()) return Fail(space.status());
  }
  std::vector<infinitedb::Mutation> batch;
  for (uint32_t x = 0; x < 10; ++x) {
    for (uint32_t y = 0; y < 10; ++y) {
      batch.push_back(infinitedb::Mutation::Put(
          "field", {x, y, 0}, "sample " + std::to_string(x * 10 + y)));
    }
  }
  auto first = db.Batch("main", batch);
  if (!first.ok()) return Fail(first.status());
  auto second = db.Put("main", "field", {4, 4, 0}, "edited");
  if (!second.ok()) return Fail(second.status());
  auto old = db.Get({"main", first->revision}, "field", {4, 4, 0});
  if (!old.ok()) return Fail(old.status());
  auto now = db.Get({}, "field", {4, 4, 0});
  if (!now.ok()) return Fail(now.status());
  size_t matches = 0;
  absl::Status status = db.Query({}, "field", {{2, 2, 0}, {5, 5, 0}},
                                 [&matches](const infinitedb::RecordView&) {
                                   ++matches;
                                   return true;
                                 });
  if (!status.ok()) return Fail(status);
  std::printf("data directory: %s\n", options.data_dir.c_str());
  std::printf("batch of %zu records committed as revision %lu\n", batch.size(),
              static_cast<unsigned long>(first->revision));
  std::printf("(4,4,0) as of revision %lu: %s\n",
              static_cast<unsigned long>(first->revision),
              (*old)->value.c_str());
  std::printf("(4,4,0) now (revision %lu): %s\n",
              static_cast<unsigned long>(second->revision),
              (*now)->value.c_str());
  std::printf("box (2,2,0)-(5,5,0) holds %zu records\n", matches);
  std::printf("current revision: %lu\n",
              static_cast<unsigned long>(db.CurrentRevision()));
  return 0;
}
