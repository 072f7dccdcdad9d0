// The segment files of the engine and the background work on them: opening
// them (and removing orphans) on open, sealing frozen memtables into
// segments, size-tiered and on-demand compaction with history retention,
// dropping a space's files, and releasing WAL segments once everything in
// them is sealed and no subscriber needs them.
//
// One background thread runs sealing, tier compaction and WAL release
// whenever a memtable is frozen; a failed attempt is logged and retried a
// second later (its files are removed, the WAL is kept). Flush, Compact and
// DropSpace run on the caller's thread. maintenance_mu_ serialises all of
// them. Thread-safe.
#ifndef INFINITEDB_ENGINE_DB_MAINTENANCE_H_
#define INFINITEDB_ENGINE_DB_MAINTENANCE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "engine/public/options.h"
#include "engine/replication/subscriber_acks.h"
#include "engine/segment/block_cache.h"
#include "engine/segment/retention.h"
#include "engine/segment/segment_reader.h"
#include "engine/version/version_set.h"
#include "engine/wal/wal_segment_set.h"

namespace infinitedb {

class Maintenance {
 public:
  struct Sources {
    version::VersionSet* versions = nullptr;
    wal::WalSegmentSet* wal_segments = nullptr;
    segment::BlockCache* block_cache = nullptr;
    replication::SubscriberAcks* subscriber_acks = nullptr;
    // The greatest HLC stamped so far (recorded with each seal).
    std::function<uint64_t()> newest_hlc;
  };
  // Every pointer must outlive this object.
  Maintenance(const EngineOptions& options, Sources sources);
  // Stops the background thread.
  ~Maintenance();

  // Opens the segments the manifest names and removes files it does not.
  absl::Status OpenSegments();
  void StartBackground();
  // Stops the background thread (also done on destruction).
  void StopBackground();
  // A memtable was frozen: seal it soon.
  void Wake();

  // Seals every frozen memtable, then releases the WAL they cover.
  absl::Status SealFrozen();
  // Compacts all segments of `space` (every space if empty) into one.
  absl::Status Compact(std::string_view space);
  // Drops `name` from the catalogue and deletes its segment files.
  absl::Status DropSpace(std::string_view name);
  // Deletes WAL segments that neither sealing nor subscribers need.
  absl::Status ReleaseWal();

  // Runs `capture` while no seal, compaction or drop runs (a backup opens
  // the files it needs; WAL release may still delete the oldest segments,
  // which the seal covers). It must not call back into this.
  absl::Status WhileFilesFixed(absl::FunctionRef<absl::Status()> capture) {
    absl::MutexLock lock(&mu_);
    return capture();
  }

  uint64_t seals() const { return seals_.load(); }
  uint64_t compactions() const { return compactions_.load(); }
  // Progress of compaction: input versions of every compaction begun since
  // open, and of those read so far (equal when none is running).
  uint64_t compaction_versions_total() const {
    return compaction_versions_total_.load();
  }
  uint64_t compaction_versions_read() const {
    return compaction_versions_read_.load();
  }

 private:
  void BackgroundLoop();
  absl::Status SealOldestFrozen() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes `frozen` as one segment per space and syncs their directory;
  // on failure no file of it is left.
  absl::StatusOr<std::vector<manifest::SegmentEntry>> WriteSegments(
      const FrozenMemTable& frozen) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static std::vector<uint64_t> FileNumbers(
      const std::vector<manifest::SegmentEntry>& entries);
  // Merges `inputs` (segments of one space); `all_segments` when they are
  // every segment of the space (then old tombstones may be dropped).
  absl::Status CompactSegments(
      uint32_t space_id,
      const std::vector<std::shared_ptr<segment::SegmentReader>>& inputs,
      bool all_segments) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CompactTiers() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  segment::RetentionPolicy RetentionFor(bool all_segments) const;
  static bool HoldsDroppedBranch(const segment::SegmentReader& segment,
                                 const segment::RetentionPolicy& policy);
  absl::StatusOr<std::shared_ptr<segment::SegmentReader>> OpenReader(
      uint64_t file_number, uint64_t size_bytes) const;
  void DeleteSegmentFiles(const std::vector<uint64_t>& file_numbers);
  std::string SegmentPath(uint64_t file_number) const;

  // Constant after construction.
  const EngineOptions options_;
  const Sources sources_;
  FileSystem* const fs_;
  const std::string segment_dir_;

  // Serialises sealing, compaction and dropping of segment files.
  absl::Mutex mu_;

  absl::Mutex background_mu_;
  bool background_wakeup_ ABSL_GUARDED_BY(background_mu_) = false;
  bool background_stopping_ ABSL_GUARDED_BY(background_mu_) = false;
  std::thread background_;

  std::atomic<uint64_t> seals_{0};
  std::atomic<uint64_t> compactions_{0};
  std::atomic<uint64_t> compaction_versions_total_{0};
  std::atomic<uint64_t> compaction_versions_read_{0};
};

}  // namespace infinitedb

#endif  // INFINITEDB_ENGINE_DB_MAINTENANCE_H_
