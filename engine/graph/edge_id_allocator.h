// Assigns ids to new edges that come without one: node_id << 40 | counter,
// unique across servers with distinct node ids (below 2^24) and never
// reused, also across crashes: counters are reserved in blocks, and a block
// is durable in <data>/EDGE_IDS before any id of it is handed out. After a
// restart the unused rest of the last block is skipped.
//
// EDGE_IDS layout (little-endian):
//
//   magic      4 bytes  "IEID"
//   version    u32      1
//   reserved   u64      every counter below this may have been handed out
//   crc32c     u32      of the 16 bytes before it
#ifndef INFINITEDB_ENGINE_GRAPH_EDGE_ID_ALLOCATOR_H_
#define INFINITEDB_ENGINE_GRAPH_EDGE_ID_ALLOCATOR_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/public/env.h"
#include "engine/public/graph.h"

namespace infinitedb::graph {

inline constexpr char kEdgeIdsFile[] = "EDGE_IDS";
inline constexpr int kEdgeCounterBits = 40;
inline constexpr uint32_t kMaxAssigningNodeId = (1u << 24) - 1;

class EdgeIdAllocator {
 public:
  // Reads <data_dir>/EDGE_IDS (DataLoss when damaged); none = a new one.
  static absl::StatusOr<std::unique_ptr<EdgeIdAllocator>> Open(
      FileSystem* file_system, const std::string& data_dir, uint32_t node_id);

  // `count` consecutive new ids starting at the returned one.
  absl::StatusOr<EdgeId> Allocate(uint64_t count);
  // An id written without the allocator (given by a client, or received
  // from a peer): when it has this server's node id, the counter moves past
  // it, so that no assigned id ever equals it.
  absl::Status Observe(EdgeId id);

  // Makes every counter below `next` reserved, durably.
  absl::Status ReserveBeyond(uint64_t next) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // The file's contents for `reserved`.
  static std::string Encode(uint64_t reserved);

 private:
  EdgeIdAllocator(FileSystem* file_system, std::string data_dir,
                  uint32_t node_id, uint64_t reserved)
      : file_system_(file_system),
        data_dir_(std::move(data_dir)),
        node_id_(node_id),
        next_(reserved),
        reserved_(reserved) {}

  FileSystem* const file_system_;
  const std::string data_dir_;
  const uint32_t node_id_;
  absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_);
  uint64_t reserved_ ABSL_GUARDED_BY(mu_);
};

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_EDGE_ID_ALLOCATOR_H_
