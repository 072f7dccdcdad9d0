// A FileSystem for tests that wraps another one (the local file system by
// default) and injects faults: the Nth write, fsync, create, rename, unlink,
// directory fsync or read of matching files fails with an errno of the
// test's choice (EIO, ENOSPC), optionally after a short write; and a power
// cut, after which everything that was not durable is dropped (LevelDB's
// FaultInjectionTestEnv):
//
// - a file keeps only the bytes it had at its last fsync/fdatasync (or when
//   it was first opened, for a file that existed before);
// - a file created since the last fsync of its directory disappears;
// - a rename since the last fsync of its directory is undone (the old
//   target comes back).
// Removals are taken as durable at once. Thread-safe.
#ifndef INFINITEDB_ENGINE_IO_FAULT_INJECTION_FILE_SYSTEM_H_
#define INFINITEDB_ENGINE_IO_FAULT_INJECTION_FILE_SYSTEM_H_

#include <cerrno>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "engine/public/env.h"

namespace infinitedb::io {

class FaultInjectionFileSystem : public FileSystem {
 public:
  enum class Op {
    kWrite,
    kSync,
    kSyncDirectory,
    kCreate,
    kRename,
    kRemove,
    kRead
  };
  struct Fault {
    Op op = Op::kWrite;
    std::string path_contains;  // only paths containing this ("" = all)
    int skip = 0;   // let this many matching operations succeed first
    int times = 1;  // then fail this many (-1: until ClearFaults)
    int error = EIO;
    // A failing write first writes the first half of its bytes, as a write
    // cut short by a full disk does.
    bool short_write = false;
  };

  explicit FaultInjectionFileSystem(FileSystem* base = DefaultFileSystem())
      : base_(base) {}

  void Inject(Fault fault);
  void ClearFaults();
  // Faults fired so far.
  int fired() const;

  // From now on File::Sync/DataSync of a file whose path contains
  // `path_contains` waits until ReleaseSyncs() (a slow disk, to show what
  // waits for it). Syncs through an IoRing (the WAL's) are not held.
  void HoldSyncs(std::string path_contains);
  void ReleaseSyncs();
  // Syncs waiting in HoldSyncs now.
  int held_syncs() const;

  // Cuts the power just before the `operations`-th write, fsync, create,
  // rename, removal or directory fsync from now on (1 = the next one).
  void CutPowerAfter(int operations);
  // Whether the power is cut.
  bool power_cut() const;
  // From now on every operation fails with EIO, as if the machine had
  // stopped. Destroy what uses the file system, then call
  // RestoreAfterPowerCut.
  void CutPower();
  // Drops what was not durable at the cut (see the top of this file) and
  // lets operations through again.
  absl::Status RestoreAfterPowerCut();

  absl::StatusOr<File> Open(const std::string& path, bool writable) override;
  absl::StatusOr<File> Create(const std::string& path) override;
  absl::StatusOr<uint64_t> Size(const File& file) override;
  absl::StatusOr<size_t> Read(const File& file, uint64_t offset, char* out,
                              size_t size) override;
  absl::Status Write(const File& file, uint64_t offset,
                     std::string_view data) override;
  absl::Status Truncate(const File& file, uint64_t size) override;
  absl::Status Sync(const File& file, bool data_only) override;
  void Close(int fd) override;
  absl::Status ReadBatch(const File& file,
                         std::span<const ReadRequest> requests) override;
  absl::StatusOr<std::unique_ptr<IoRing>> NewRing(
      unsigned queue_depth) override;
  absl::Status SyncDirectory(const std::string& dir) override;
  absl::Status CreateDirectories(const std::string& dir) override;
  absl::StatusOr<std::vector<std::string>> ListDirectory(
      const std::string& dir) override;
  absl::Status Rename(const std::string& from, const std::string& to) override;
  absl::Status Remove(const std::string& path) override;
  bool Exists(const std::string& path) override;
  absl::StatusOr<File> LockDirectory(const std::string& dir) override;

  // For the ring: the fault to inject for `op` on `path` now (OkStatus when
  // none), counting the operation; `short_write` tells whether to write half
  // first.
  absl::Status Check(Op op, const std::string& path, bool* short_write);
  // The file's current size is durable.
  void MarkSynced(const File& file);
  FileSystem* base() const { return base_; }

 private:
  struct PendingRename {
    std::string from;
    std::string to;
    std::optional<std::string> old_target;  // contents `to` had before
  };

  File Wrap(File file);
  void TrackOpened(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  FileSystem* const base_;
  mutable absl::Mutex mu_;
  std::vector<Fault> faults_ ABSL_GUARDED_BY(mu_);
  int fired_ ABSL_GUARDED_BY(mu_) = 0;
  bool power_cut_ ABSL_GUARDED_BY(mu_) = false;
  int operations_before_cut_ ABSL_GUARDED_BY(mu_) = 0;  // 0: no cut planned
  std::optional<std::string> hold_syncs_ ABSL_GUARDED_BY(mu_);
  int held_syncs_ ABSL_GUARDED_BY(mu_) = 0;
  // Durable size of every file seen, by path.
  std::map<std::string, uint64_t> synced_size_ ABSL_GUARDED_BY(mu_);
  // Created, or renamed into place, since their directory's last fsync.
  std::set<std::string> unsynced_entries_ ABSL_GUARDED_BY(mu_);
  std::vector<PendingRename> renames_ ABSL_GUARDED_BY(mu_);
};

}  // namespace infinitedb::io

#endif  // INFINITEDB_ENGINE_IO_FAULT_INJECTION_FILE_SYSTEM_H_
