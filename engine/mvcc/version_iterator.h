// The interface every source of stored versions offers the read path
// (memtables now, sealed segments later): a forward iterator over versions
// in internal-key order (engine/mvcc/internal_key.h).
#ifndef INFINITEDB_ENGINE_MVCC_VERSION_ITERATOR_H_
#define INFINITEDB_ENGINE_MVCC_VERSION_ITERATOR_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "engine/common/coding.h"
#include "engine/public/types.h"

namespace infinitedb::mvcc {

// One stored version; views stay valid while the source is pinned by the
// reader's snapshot and the iterator has not moved.
using VersionView = RecordView;

class VersionIterator {
 public:
  virtual ~VersionIterator() = default;
  // Positions at the first version whose key is >= `internal_key`.
  virtual void Seek(std::string_view internal_key) = 0;
  // The same, for a read that wants only keys <= `last`: a source that
  // knows it holds none may skip the work and become invalid instead (a
  // segment then reads no block). Otherwise positioned as by Seek.
  virtual void SeekWithin(std::string_view internal_key,
                          std::string_view last) {
    (void)last;
    Seek(internal_key);
  }
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  // Requires Valid().
  virtual const VersionView& version() const = 0;
  // A read error (e.g. a corrupt block) ends iteration; OK otherwise.
  virtual absl::Status status() const { return absl::OkStatus(); }
};

}  // namespace infinitedb::mvcc

#endif  // INFINITEDB_ENGINE_MVCC_VERSION_ITERATOR_H_
