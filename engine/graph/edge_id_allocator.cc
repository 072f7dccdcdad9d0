#include "engine/graph/edge_id_allocator.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/common/crc32c.h"
#include "engine/io/file.h"

namespace infinitedb::graph {
namespace {

constexpr char kMagic[] = "IEID";
constexpr uint32_t kVersion = 1;
constexpr size_t kFileBytes = 20;
constexpr uint64_t kBlock = 1 << 16;
constexpr uint64_t kCounterLimit = uint64_t{1} << kEdgeCounterBits;

absl::StatusOr<uint64_t> Decode(const std::string& path,
                                std::string_view contents) {
  uint32_t version = 0, crc = 0;
  uint64_t reserved = 0;
  ByteReader reader(contents);
  std::string_view magic;
  if (contents.size() != kFileBytes || !reader.ReadBytes(4, &magic) ||
      magic != kMagic || !reader.ReadFixed32(&version) || version != kVersion ||
      !reader.ReadFixed64(&reserved) || !reader.ReadFixed32(&crc) ||
      crc != crc32c::Value(contents.substr(0, 16))) {
    return absl::DataLossError(absl::StrFormat(
        "%s: not an edge id reservation (%d bytes)", path, contents.size()));
  }
  return reserved;
}

}  // namespace

std::string EdgeIdAllocator::Encode(uint64_t reserved) {
  std::string out(kMagic, 4);
  PutFixed32(&out, kVersion);
  PutFixed64(&out, reserved);
  PutFixed32(&out, crc32c::Value(out));
  return out;
}

absl::StatusOr<std::unique_ptr<EdgeIdAllocator>> EdgeIdAllocator::Open(
    FileSystem* file_system, const std::string& data_dir, uint32_t node_id) {
  const std::string path = data_dir + "/" + kEdgeIdsFile;
  uint64_t reserved = 1;  // counter 0 is never handed out
  absl::StatusOr<File> file = file_system->Open(path, /*writable=*/false);
  if (file.ok()) {
    absl::StatusOr<std::string> contents = file->ReadAll();
    if (!contents.ok()) return contents.status();
    absl::StatusOr<uint64_t> decoded = Decode(path, *contents);
    if (!decoded.ok()) return decoded.status();
    reserved = std::max<uint64_t>(*decoded, 1);
  } else if (!absl::IsNotFound(file.status())) {
    return file.status();
  }
  return std::unique_ptr<EdgeIdAllocator>(
      new EdgeIdAllocator(file_system, data_dir, node_id, reserved));
}

absl::StatusOr<EdgeId> EdgeIdAllocator::Allocate(uint64_t count) {
  if (node_id_ > kMaxAssigningNodeId) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "id: this server's node id %d is above %d, so it cannot assign edge "
        "ids; give every edge an id",
        node_id_, kMaxAssigningNodeId));
  }
  absl::MutexLock lock(&mu_);
  if (count > kCounterLimit - next_) {
    return absl::ResourceExhaustedError(
        "id: this server has assigned every edge id it can");
  }
  if (absl::Status s = ReserveBeyond(next_ + count); !s.ok()) return s;
  const uint64_t first = next_;
  next_ += count;
  return (static_cast<uint64_t>(node_id_) << kEdgeCounterBits) | first;
}

absl::Status EdgeIdAllocator::Observe(EdgeId id) {
  if ((id >> kEdgeCounterBits) != node_id_) return absl::OkStatus();
  const uint64_t counter = id & (kCounterLimit - 1);
  absl::MutexLock lock(&mu_);
  if (counter < next_) return absl::OkStatus();
  if (absl::Status s = ReserveBeyond(counter + 1); !s.ok()) return s;
  next_ = counter + 1;
  return absl::OkStatus();
}

absl::Status EdgeIdAllocator::ReserveBeyond(uint64_t next) {
  if (next <= reserved_) return absl::OkStatus();
  const uint64_t reserved =
      std::min(kCounterLimit, next + kBlock - next % kBlock);
  absl::Status status = io::WriteFileAtomically(file_system_, data_dir_,
                                                kEdgeIdsFile, Encode(reserved));
  if (!status.ok()) return status;
  reserved_ = reserved;
  return absl::OkStatus();
}

}  // namespace infinitedb::graph
