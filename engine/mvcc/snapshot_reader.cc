#include "engine/mvcc/snapshot_reader.h"

#include <algorithm>
#include <cstring>

#include "engine/common/key_compare.h"
#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/point_key.h"

namespace infinitedb::mvcc {

Record ToRecord(const VersionView& version) {
  Record record;
  record.point = version.point();
  record.value = std::string(version.value);
  record.stamp = version.stamp;
  record.deleted = version.deleted;
  return record;
}

// Walks one branch level of the snapshot, yielding for each address inside
// the key ranges the newest version the level sees, in Hilbert order.
class SnapshotReader::LevelCursor {
 public:
  LevelCursor(VersionIterator* iterator, BranchLevel level, uint32_t space_id,
              const std::vector<hilbert::KeyRange>& ranges)
      : iterator_(iterator), level_(level), ranges_(ranges) {
    EncodeKeyPrefix(level.branch_id, space_id, prefix_);
    if (!ranges_.empty()) SeekRange();
    Settle();
  }

  bool Valid() const { return valid_; }
  const VersionView& version() const { return iterator_->version(); }
  std::string_view hilbert() const { return KeyHilbert(version().key); }
  absl::Status status() const { return iterator_->status(); }

  // Moves past the current address to the next candidate.
  void Next() {
    std::string_view current = KeyAddress(version().key);
    std::memcpy(address_, current.data(), current.size());
    std::string_view address(address_, current.size());
    do {
      iterator_->Next();
    } while (iterator_->Valid() &&
             KeysEqual(KeyAddress(iterator_->version().key), address));
    Settle();
  }

 private:
  void SeekRange() {
    std::string target(prefix_, kKeyPrefixBytes);
    target += ranges_[range_index_].first;
    target.append(kRevisionBytes, '\0');  // newest possible version first
    std::string last(prefix_, kKeyPrefixBytes);
    last += ranges_[range_index_].last;
    last.append(kRevisionBytes, '\xff');  // oldest possible version last
    iterator_->SeekWithin(target, last);
  }

  // Advances to the first address at or after the current position that is
  // inside a range and has a version the level sees; clears valid_ at the
  // end.
  void Settle() {
    valid_ = false;
    while (range_index_ < ranges_.size()) {
      // Invalid, or past this branch and space: nothing is left in this
      // range, but SeekWithin lets a source skip what lies beyond the
      // range, so a later range may still hold versions.
      if (!iterator_->Valid() || std::memcmp(iterator_->version().key.data(),
                                             prefix_, kKeyPrefixBytes) != 0) {
        if (!iterator_->status().ok()) return;
        ++range_index_;
        if (range_index_ < ranges_.size()) SeekRange();
        continue;
      }
      std::string_view key = iterator_->version().key;
      std::string_view hilbert_key = KeyHilbert(key);
      const hilbert::KeyRange& range = ranges_[range_index_];
      if (CompareKeys(hilbert_key, range.last) > 0) {
        ++range_index_;
        if (range_index_ < ranges_.size()) SeekRange();
        continue;
      }
      if (CompareKeys(hilbert_key, range.first) < 0) {
        SeekRange();
        continue;
      }
      if (level_.Sees(KeyRevision(key), iterator_->version().stamp.hlc)) {
        valid_ = true;
        return;
      }
      iterator_->Next();  // a version the snapshot does not see: look older
    }
  }

  VersionIterator* const iterator_;
  const BranchLevel level_;
  const std::vector<hilbert::KeyRange>& ranges_;
  char prefix_[kKeyPrefixBytes];
  char address_[kKeyPrefixBytes + 4 * kMaxStoredDims];  // scratch for Next()
  size_t range_index_ = 0;
  bool valid_ = false;
};

SnapshotReader::SnapshotReader(SourceFactory sources,
                               std::vector<BranchLevel> chain,
                               uint32_t space_id, int dims)
    : sources_(std::move(sources)),
      chain_(std::move(chain)),
      space_id_(space_id),
      dims_(dims) {}

absl::StatusOr<std::optional<Record>> SnapshotReader::Get(
    const Point& point) const {
  absl::StatusOr<std::optional<Record>> newest = Newest(point);
  if (newest.ok() && *newest && (*newest)->deleted) return std::nullopt;
  return newest;
}

absl::Status SnapshotReader::VisitAddress(
    const Point& point,
    absl::FunctionRef<bool(const VersionView&)> visit) const {
  std::string hilbert_key = PointKey(space_id_, point);
  Box point_box{point, point};
  for (const BranchLevel& level : chain_) {
    std::string target =
        EncodeInternalKey(level.branch_id, space_id_, hilbert_key, level.cap);
    std::string oldest =
        EncodeInternalKey(level.branch_id, space_id_, hilbert_key, 0);
    std::unique_ptr<VersionIterator> iterator =
        sources_(level.branch_id, {&point_box, target, oldest});
    for (iterator->Seek(target);
         iterator->Valid() &&
         KeyAddress(iterator->version().key) == KeyAddress(target);
         iterator->Next()) {
      const VersionView& version = iterator->version();
      if (level.Sees(version.stamp.revision, version.stamp.hlc) &&
          !visit(version)) {
        return absl::OkStatus();
      }
    }
    if (!iterator->status().ok()) return iterator->status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Record>> SnapshotReader::Newest(
    const Point& point) const {
  std::optional<Record> newest;
  absl::Status status = VisitAddress(point, [&](const VersionView& version) {
    newest = ToRecord(version);
    return false;  // the nearest level's newest
  });
  if (!status.ok()) return status;
  return newest;
}

absl::StatusOr<std::vector<Record>> SnapshotReader::History(
    const Point& point) const {
  std::vector<Record> versions;
  absl::Status status = VisitAddress(point, [&](const VersionView& version) {
    versions.push_back(ToRecord(version));
    return true;
  });
  if (!status.ok()) return status;
  std::sort(versions.begin(), versions.end(),
            [](const Record& a, const Record& b) {
              return a.stamp.revision > b.stamp.revision;
            });
  return versions;
}

namespace {

bool InBox(const VersionView& version, const Box& box) {
  for (int axis = 0; axis < version.dims(); ++axis) {
    uint32_t c = version.coordinate(axis);
    if (c < box.min[axis] || c > box.max[axis]) return false;
  }
  return true;
}

}  // namespace

absl::Status SnapshotReader::Scan(
    const std::vector<hilbert::KeyRange>& ranges, const Box* box,
    bool include_tombstones,
    absl::FunctionRef<bool(const VersionView&)> visit) const {
  std::vector<std::unique_ptr<VersionIterator>> iterators;
  std::vector<std::unique_ptr<LevelCursor>> cursors;
  for (const BranchLevel& level : chain_) {
    iterators.push_back(sources_(level.branch_id, {box}));
    cursors.push_back(std::make_unique<LevelCursor>(iterators.back().get(),
                                                    level, space_id_, ranges));
  }
  char hilbert_key[4 * kMaxStoredDims];
  while (true) {
    // The smallest Hilbert key among the levels; the version of the level
    // nearest the branch read wins (its own writes hide its parent's).
    LevelCursor* best = nullptr;
    for (auto& cursor : cursors) {
      if (!cursor->Valid()) continue;
      if (best == nullptr ||
          CompareKeys(cursor->hilbert(), best->hilbert()) < 0) {
        best = cursor.get();
      }
    }
    if (best == nullptr) break;
    const VersionView& winner = best->version();
    if ((include_tombstones || !winner.deleted) &&
        (box == nullptr || InBox(winner, *box))) {
      if (!visit(winner)) return absl::OkStatus();
    }
    if (cursors.size() == 1) {
      best->Next();
      continue;
    }
    std::string_view best_key = best->hilbert();
    std::memcpy(hilbert_key, best_key.data(), best_key.size());
    std::string_view key(hilbert_key, best_key.size());
    for (auto& cursor : cursors) {
      if (cursor->Valid() && cursor->hilbert() == key) cursor->Next();
    }
  }
  for (auto& cursor : cursors) {
    if (!cursor->status().ok()) return cursor->status();
  }
  return absl::OkStatus();
}

absl::Status SnapshotReader::ScanChanges(
    uint32_t branch_id, Revision after, Revision to,
    const std::vector<hilbert::KeyRange>& ranges, const Box* box,
    absl::FunctionRef<bool(const VersionView&)> visit) const {
  SourceHint hint{box};
  hint.newer_than = after;
  std::unique_ptr<VersionIterator> iterator = sources_(branch_id, hint);
  BranchLevel level{branch_id, to};
  for (LevelCursor cursor(iterator.get(), level, space_id_, ranges);
       cursor.Valid(); cursor.Next()) {
    const VersionView& version = cursor.version();
    if (version.stamp.revision <= after) continue;
    if (box != nullptr && !InBox(version, *box)) continue;
    if (!visit(version)) return absl::OkStatus();
  }
  return iterator->status();
}

}  // namespace infinitedb::mvcc
