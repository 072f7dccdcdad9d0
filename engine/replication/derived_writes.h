// Data that a server keeps beside replicated changes and derives from them
// where they arrive (the graph's index entries of an edge): what the
// applier asks of its owner for the system spaces whose changes are
// streamed (public/changes.h: IsStreamedSpace).
#ifndef INFINITEDB_ENGINE_REPLICATION_DERIVED_WRITES_H_
#define INFINITEDB_ENGINE_REPLICATION_DERIVED_WRITES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/public/changes.h"
#include "engine/public/types.h"

namespace infinitedb::replication {

// A write to a system space that comes with a replicated op.
struct DerivedOp {
  std::string space;
  Point point;
  bool deleted = false;
  std::string value;
};

class DerivedWrites {
 public:
  virtual ~DerivedWrites() = default;

  // Whether ops on system space `space` may arrive (and derive others).
  virtual bool Derives(std::string_view space) const = 0;
  // Before anything is created: InvalidArgument or FailedPrecondition
  // naming `field` when the op cannot be applied here.
  virtual absl::Status Check(const ChangeOp& op,
                             std::string_view field) const = 0;
  // Before the commit is queued: creates the spaces the op's derived writes
  // need.
  virtual absl::Status CreateSpaces(const ChangeOp& op) = 0;
  // On the writing thread, for an op that won last-writer-wins: the writes
  // that keep the derived data in step, given the version it replaces.
  virtual absl::Status Derive(const ChangeOp& op,
                              const std::optional<Record>& replaced,
                              std::vector<DerivedOp>* out) const = 0;
  // Around the commit of a batch with such ops: before it is queued, and
  // once it is visible or has failed (what caches the derived data drops
  // it then).
  virtual void CommitStarting() {}
  virtual void CommitEnded() {}
};

}  // namespace infinitedb::replication

#endif  // INFINITEDB_ENGINE_REPLICATION_DERIVED_WRITES_H_
