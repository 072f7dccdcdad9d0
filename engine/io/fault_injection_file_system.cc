#include "engine/io/fault_injection_file_system.h"

#include <sys/stat.h>

#include "engine/io/file.h"

namespace infinitedb::io {
namespace {

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

uint64_t SizeOf(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// Faults a ring's writes and syncs, and records what becomes durable.
class FaultInjectionRing : public IoRing {
 public:
  FaultInjectionRing(FaultInjectionFileSystem* fs, std::unique_ptr<IoRing> base)
      : fs_(fs), base_(std::move(base)) {}

  absl::Status StartWrite(const File& file, std::span<const iovec> buffers,
                          uint64_t offset, bool data_sync) override {
    file_ = &file;
    data_sync_ = data_sync;
    pending_error_ = absl::OkStatus();
    sync_error_ = absl::OkStatus();
    bool short_write = false;
    absl::Status fault = fs_->Check(FaultInjectionFileSystem::Op::kWrite,
                                    file.path(), &short_write);
    if (!fault.ok()) {
      if (short_write) WriteHalf(file, buffers, offset);
      pending_error_ = fault;
      return absl::OkStatus();
    }
    if (data_sync) {
      sync_error_ = fs_->Check(FaultInjectionFileSystem::Op::kSync, file.path(),
                               &short_write);
    }
    // A failing fdatasync still lets the bytes reach the page cache.
    return base_->StartWrite(file, buffers, offset,
                             data_sync && sync_error_.ok());
  }

  absl::Status FinishWrite() override {
    if (!pending_error_.ok()) return pending_error_;
    absl::Status status = base_->FinishWrite();
    if (!status.ok()) return status;
    if (data_sync_ && !sync_error_.ok()) return sync_error_;
    if (data_sync_) fs_->MarkSynced(*file_);
    return absl::OkStatus();
  }

  absl::Status DataSync(const File& file) override {
    bool unused = false;
    absl::Status fault =
        fs_->Check(FaultInjectionFileSystem::Op::kSync, file.path(), &unused);
    if (!fault.ok()) return fault;
    absl::Status status = base_->DataSync(file);
    if (status.ok()) fs_->MarkSynced(file);
    return status;
  }

 private:
  void WriteHalf(const File& file, std::span<const iovec> buffers,
                 uint64_t offset) {
    std::string bytes;
    for (const iovec& buffer : buffers) {
      bytes.append(static_cast<const char*>(buffer.iov_base), buffer.iov_len);
    }
    bytes.resize(bytes.size() / 2);
    (void)fs_->base()->Write(file, offset, bytes);
  }

  FaultInjectionFileSystem* const fs_;
  std::unique_ptr<IoRing> base_;
  const File* file_ = nullptr;
  bool data_sync_ = false;
  absl::Status pending_error_;
  absl::Status sync_error_;
};

}  // namespace

void FaultInjectionFileSystem::Inject(Fault fault) {
  absl::MutexLock lock(&mu_);
  faults_.push_back(std::move(fault));
}

void FaultInjectionFileSystem::ClearFaults() {
  absl::MutexLock lock(&mu_);
  faults_.clear();
}

int FaultInjectionFileSystem::fired() const {
  absl::MutexLock lock(&mu_);
  return fired_;
}

void FaultInjectionFileSystem::HoldSyncs(std::string path_contains) {
  absl::MutexLock lock(&mu_);
  hold_syncs_ = std::move(path_contains);
}

void FaultInjectionFileSystem::ReleaseSyncs() {
  absl::MutexLock lock(&mu_);
  hold_syncs_.reset();
}

int FaultInjectionFileSystem::held_syncs() const {
  absl::MutexLock lock(&mu_);
  return held_syncs_;
}

void FaultInjectionFileSystem::CutPowerAfter(int operations) {
  absl::MutexLock lock(&mu_);
  operations_before_cut_ = operations;
}

bool FaultInjectionFileSystem::power_cut() const {
  absl::MutexLock lock(&mu_);
  return power_cut_;
}

void FaultInjectionFileSystem::CutPower() {
  absl::MutexLock lock(&mu_);
  power_cut_ = true;
}

absl::Status FaultInjectionFileSystem::Check(Op op, const std::string& path,
                                             bool* short_write) {
  absl::MutexLock lock(&mu_);
  *short_write = false;
  if (op != Op::kRead && operations_before_cut_ > 0 &&
      --operations_before_cut_ == 0) {
    power_cut_ = true;
  }
  if (power_cut_) {
    return ErrnoStatus(EIO, "(power cut)", path);
  }
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    Fault& fault = *it;
    if (fault.op != op || path.find(fault.path_contains) == std::string::npos) {
      continue;
    }
    if (fault.skip > 0) {
      --fault.skip;
      continue;
    }
    *short_write = fault.short_write;
    const int error = fault.error;
    if (fault.times > 0 && --fault.times == 0) faults_.erase(it);
    ++fired_;
    return ErrnoStatus(error, "(injected)", path);
  }
  return absl::OkStatus();
}

void FaultInjectionFileSystem::MarkSynced(const File& file) {
  absl::MutexLock lock(&mu_);
  synced_size_[file.path()] = SizeOf(file.path());
}

void FaultInjectionFileSystem::TrackOpened(const std::string& path) {
  if (!synced_size_.contains(path)) synced_size_[path] = SizeOf(path);
}

File FaultInjectionFileSystem::Wrap(File file) {
  std::string path = file.path();
  int fd = file.Release();
  return File(this, fd, std::move(path));
}

absl::StatusOr<File> FaultInjectionFileSystem::Open(const std::string& path,
                                                    bool writable) {
  bool unused;
  if (absl::Status fault = Check(Op::kRead, path, &unused); !fault.ok()) {
    return fault;
  }
  absl::StatusOr<File> file = base_->Open(path, writable);
  if (!file.ok()) return file.status();
  absl::MutexLock lock(&mu_);
  TrackOpened(path);
  return Wrap(std::move(*file));
}

absl::StatusOr<File> FaultInjectionFileSystem::Create(const std::string& path) {
  bool unused;
  if (absl::Status fault = Check(Op::kCreate, path, &unused); !fault.ok()) {
    return fault;
  }
  absl::StatusOr<File> file = base_->Create(path);
  if (!file.ok()) return file.status();
  absl::MutexLock lock(&mu_);
  synced_size_[path] = 0;
  unsynced_entries_.insert(path);
  return Wrap(std::move(*file));
}

absl::StatusOr<uint64_t> FaultInjectionFileSystem::Size(const File& file) {
  return base_->Size(file);
}

absl::StatusOr<size_t> FaultInjectionFileSystem::Read(const File& file,
                                                      uint64_t offset,
                                                      char* out, size_t size) {
  bool unused;
  if (absl::Status fault = Check(Op::kRead, file.path(), &unused);
      !fault.ok()) {
    return fault;
  }
  return base_->Read(file, offset, out, size);
}

absl::Status FaultInjectionFileSystem::Write(const File& file, uint64_t offset,
                                             std::string_view data) {
  bool short_write;
  if (absl::Status fault = Check(Op::kWrite, file.path(), &short_write);
      !fault.ok()) {
    if (short_write) {
      (void)base_->Write(file, offset, data.substr(0, data.size() / 2));
    }
    return fault;
  }
  return base_->Write(file, offset, data);
}

absl::Status FaultInjectionFileSystem::Truncate(const File& file,
                                                uint64_t size) {
  {
    absl::MutexLock lock(&mu_);
    if (power_cut_) return ErrnoStatus(EIO, "(power cut)", file.path());
  }
  absl::Status status = base_->Truncate(file, size);
  if (!status.ok()) return status;
  // Bytes cut off are gone from the durable copy too (the truncation is
  // taken as durable at once, like removals).
  absl::MutexLock lock(&mu_);
  TrackOpened(file.path());
  uint64_t& synced = synced_size_[file.path()];
  synced = std::min(synced, size);
  return absl::OkStatus();
}

absl::Status FaultInjectionFileSystem::Sync(const File& file, bool data_only) {
  {
    absl::MutexLock lock(&mu_);
    auto held = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return hold_syncs_.has_value() &&
             file.path().find(*hold_syncs_) != std::string::npos;
    };
    if (held()) {
      ++held_syncs_;
      auto released = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return !held(); };
      mu_.Await(absl::Condition(&released));
      --held_syncs_;
    }
  }
  bool unused;
  if (absl::Status fault = Check(Op::kSync, file.path(), &unused);
      !fault.ok()) {
    return fault;
  }
  absl::Status status = base_->Sync(file, data_only);
  if (status.ok()) MarkSynced(file);
  return status;
}

void FaultInjectionFileSystem::Close(int fd) { base_->Close(fd); }

absl::Status FaultInjectionFileSystem::ReadBatch(
    const File& file, std::span<const ReadRequest> requests) {
  bool unused;
  if (absl::Status fault = Check(Op::kRead, file.path(), &unused);
      !fault.ok()) {
    return fault;
  }
  return base_->ReadBatch(file, requests);
}

absl::StatusOr<std::unique_ptr<IoRing>> FaultInjectionFileSystem::NewRing(
    unsigned queue_depth) {
  absl::StatusOr<std::unique_ptr<IoRing>> ring = base_->NewRing(queue_depth);
  if (!ring.ok()) return ring.status();
  return std::unique_ptr<IoRing>(
      new FaultInjectionRing(this, std::move(*ring)));
}

absl::Status FaultInjectionFileSystem::SyncDirectory(const std::string& dir) {
  bool unused;
  if (absl::Status fault = Check(Op::kSyncDirectory, dir, &unused);
      !fault.ok()) {
    return fault;
  }
  absl::Status status = base_->SyncDirectory(dir);
  if (!status.ok()) return status;
  absl::MutexLock lock(&mu_);
  std::erase_if(unsynced_entries_, [&](const std::string& path) {
    return DirectoryOf(path) == dir;
  });
  std::erase_if(renames_, [&](const PendingRename& rename) {
    return DirectoryOf(rename.to) == dir;
  });
  return absl::OkStatus();
}

absl::Status FaultInjectionFileSystem::CreateDirectories(
    const std::string& dir) {
  {
    absl::MutexLock lock(&mu_);
    if (power_cut_) return ErrnoStatus(EIO, "(power cut)", dir);
  }
  return base_->CreateDirectories(dir);
}

absl::StatusOr<std::vector<std::string>>
FaultInjectionFileSystem::ListDirectory(const std::string& dir) {
  return base_->ListDirectory(dir);
}

absl::Status FaultInjectionFileSystem::Rename(const std::string& from,
                                              const std::string& to) {
  bool unused;
  if (absl::Status fault = Check(Op::kRename, from, &unused); !fault.ok()) {
    return fault;
  }
  PendingRename pending{from, to, std::nullopt};
  if (base_->Exists(to)) {
    absl::StatusOr<File> old = base_->Open(to, /*writable=*/false);
    if (!old.ok()) return old.status();
    absl::StatusOr<std::string> contents = old->ReadAll();
    if (!contents.ok()) return contents.status();
    // Only what was durable of the old target comes back.
    absl::MutexLock lock(&mu_);
    TrackOpened(to);
    contents->resize(std::min<uint64_t>(contents->size(), synced_size_[to]));
    pending.old_target = std::move(*contents);
  }
  absl::Status status = base_->Rename(from, to);
  if (!status.ok()) return status;
  absl::MutexLock lock(&mu_);
  TrackOpened(from);
  synced_size_[to] = synced_size_[from];
  synced_size_.erase(from);
  if (unsynced_entries_.erase(from) > 0) unsynced_entries_.insert(to);
  renames_.push_back(std::move(pending));
  return absl::OkStatus();
}

absl::Status FaultInjectionFileSystem::Remove(const std::string& path) {
  bool unused;
  if (absl::Status fault = Check(Op::kRemove, path, &unused); !fault.ok()) {
    return fault;
  }
  absl::Status status = base_->Remove(path);
  if (!status.ok()) return status;
  absl::MutexLock lock(&mu_);
  synced_size_.erase(path);
  unsynced_entries_.erase(path);
  return absl::OkStatus();
}

bool FaultInjectionFileSystem::Exists(const std::string& path) {
  return base_->Exists(path);
}

absl::StatusOr<File> FaultInjectionFileSystem::LockDirectory(
    const std::string& dir) {
  absl::StatusOr<File> lock = base_->LockDirectory(dir);
  if (!lock.ok()) return lock.status();
  return Wrap(std::move(*lock));
}

absl::Status FaultInjectionFileSystem::RestoreAfterPowerCut() {
  absl::MutexLock lock(&mu_);
  // Undo renames newest first, so that each target gets its old contents.
  for (auto it = renames_.rbegin(); it != renames_.rend(); ++it) {
    absl::Status status = base_->Rename(it->to, it->from);
    if (!status.ok()) return status;
    synced_size_[it->from] = synced_size_[it->to];
    if (unsynced_entries_.erase(it->to) > 0) unsynced_entries_.insert(it->from);
    synced_size_.erase(it->to);
    if (it->old_target.has_value()) {
      absl::StatusOr<File> file = base_->Create(it->to);
      if (!file.ok()) return file.status();
      status = file->WriteAt(0, *it->old_target);
      if (!status.ok()) return status;
      synced_size_[it->to] = it->old_target->size();
    }
  }
  renames_.clear();
  for (const std::string& path : unsynced_entries_) {
    absl::Status status = base_->Remove(path);
    if (!status.ok()) return status;
    synced_size_.erase(path);
  }
  unsynced_entries_.clear();
  for (const auto& [path, size] : synced_size_) {
    if (!base_->Exists(path) || SizeOf(path) <= size) continue;
    absl::StatusOr<File> file = base_->Open(path, /*writable=*/true);
    if (!file.ok()) return file.status();
    absl::Status status = file->Truncate(size);
    if (!status.ok()) return status;
  }
  power_cut_ = false;
  return absl::OkStatus();
}

}  // namespace infinitedb::io
