// Catalogue changes that travel in the change stream, so that every server
// holds the same branches with the same forks: a branch created (its parent
// and fork stamp), a branch dropped, a space dropped. Each is a record of
// the streamed system space __catalog on main, one address per name, so
// last-writer-wins keeps the newest event of each name on every server.
//
//   address  3 axes: kind class (1 branch, 2 space) | FNV-1a 64 of the
//            name, high 32 bits | low 32 bits
//   value    version u8 (1) | kind u8 (CatalogEventKind) | name string |
//            parent string | fork hlc u64 | fork origin u32
//            (strings: u32 length, then the bytes; integers little-endian)
//
// A creation is forked at its own record's stamp (hlc, origin), which is
// drawn after every commit before it here: its fork fields are written 0
// and StampedEvent fills them in. A branch drop carries the fork of the
// branch it dropped; a space drop, 0.
#ifndef INFINITEDB_ENGINE_REPLICATION_CATALOG_EVENTS_H_
#define INFINITEDB_ENGINE_REPLICATION_CATALOG_EVENTS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/public/changes.h"
#include "engine/public/types.h"

namespace infinitedb::replication {

inline constexpr const char* kCatalogSpace = kCatalogEventsSpace;
inline constexpr int kCatalogDims = 3;

enum class CatalogEventKind : uint8_t {
  kBranchCreated = 1,
  kBranchDropped = 2,
  kSpaceDropped = 3,
};

struct CatalogEvent {
  CatalogEventKind kind = CatalogEventKind::kBranchCreated;
  std::string name;
  std::string parent;  // for kBranchCreated
  uint64_t fork_hlc = 0;
  uint32_t fork_origin = 0;

  bool about_space() const { return kind == CatalogEventKind::kSpaceDropped; }
};

// The address of the newest event about a branch (or a space) `name`.
Point CatalogEventPoint(bool about_space, std::string_view name);
std::string EncodeCatalogEvent(const CatalogEvent& event);
// InvalidArgument naming `field` when `value` is not an event.
absl::StatusOr<CatalogEvent> DecodeCatalogEvent(std::string_view value,
                                                std::string_view field);

// `event` as it takes effect when its record is stamped (hlc, origin): a
// creation gets that stamp as its fork.
CatalogEvent StampedEvent(CatalogEvent event, uint64_t hlc, uint32_t origin);

// What the applier asks of the engine for events that arrive.
class CatalogEventSink {
 public:
  virtual ~CatalogEventSink() = default;

  // Takes effect here unless a newer event (by (hlc, origin)) of its name
  // is known; called before the batch holding it commits, in stamp order.
  virtual absl::Status Receive(const CatalogEvent& event, uint64_t hlc,
                               uint32_t origin) = 0;
  // Whether `op` is on a branch or space that a known drop stamped at or
  // after it removed (such an op is stale).
  virtual bool Dropped(const ChangeOp& op) const = 0;
};

}  // namespace infinitedb::replication

#endif  // INFINITEDB_ENGINE_REPLICATION_CATALOG_EVENTS_H_
