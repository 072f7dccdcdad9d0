#include "engine/replication/subscriber_acks.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "engine/common/coding.h"
#include "engine/common/framing.h"
#include "engine/io/file.h"

namespace infinitedb::replication {
namespace {

constexpr size_t kFixedBytes = 8 + 4;

absl::StatusOr<std::map<std::string, Revision>> DecodeLegacy(
    std::string_view contents, std::string_view path) {
  std::map<std::string, Revision> acks;
  std::vector<std::string> lines =
      absl::StrSplit(absl::string_view(contents.data(), contents.size()), '\n',
                     absl::SkipEmpty());
  for (const std::string& line : lines) {
    size_t space = line.find(' ');
    Revision acked = 0;
    if (space == std::string::npos ||
        !absl::SimpleAtoi(line.substr(0, space), &acked)) {
      return absl::DataLossError(
          absl::StrFormat("%s: malformed line '%s'", path, line));
    }
    acks[line.substr(space + 1)] = acked;
  }
  return acks;
}

// The contents of `path`, or nullopt when it does not exist.
absl::StatusOr<std::optional<std::string>> ReadIfExists(
    FileSystem* file_system, const std::string& path) {
  absl::StatusOr<io::File> file = file_system->Open(path, /*writable=*/false);
  if (absl::IsNotFound(file.status())) return std::nullopt;
  if (!file.ok()) return file.status();
  absl::StatusOr<std::string> contents = file->ReadAll();
  if (!contents.ok()) return contents.status();
  return std::optional<std::string>(std::move(*contents));
}

}  // namespace

std::string EncodeSubscriberAcks(const std::map<std::string, Revision>& acks) {
  std::string out;
  for (const auto& [id, acked] : acks) {
    std::string payload;
    PutFixed64(&payload, acked);
    PutFixed32(&payload, static_cast<uint32_t>(id.size()));
    payload.append(id);
    framing::AppendFrame(&out, kSubscriberAckFrame, payload);
  }
  return out;
}

absl::StatusOr<std::map<std::string, Revision>> DecodeSubscriberAcks(
    std::string_view contents, std::string_view path) {
  std::map<std::string, Revision> acks;
  size_t offset = 0;
  while (true) {
    framing::ParsedFrame frame;
    framing::ParseResult parsed = framing::ParseFrame(contents, offset, &frame);
    if (parsed == framing::ParseResult::kEndOfData) return acks;
    auto damaged = [&](std::string_view what) {
      return absl::DataLossError(absl::StrFormat(
          "subscriber acknowledgements %s damaged at offset %d: %s", path,
          offset, what));
    };
    if (parsed != framing::ParseResult::kOk) {
      return damaged("bad frame (torn, or checksum mismatch)");
    }
    if (frame.type != kSubscriberAckFrame) return damaged("unknown frame type");
    if (frame.payload.size() < kFixedBytes) return damaged("short record");
    const Revision acked = DecodeFixed64(frame.payload.data());
    const uint32_t id_bytes = DecodeFixed32(frame.payload.data() + 8);
    if (id_bytes == 0 || id_bytes > kMaxSubscriberIdBytes ||
        frame.payload.size() != kFixedBytes + id_bytes) {
      return damaged("bad id length");
    }
    std::string id(frame.payload.substr(kFixedBytes));
    if (!acks.emplace(std::move(id), acked).second) {
      return damaged("repeated id");
    }
    offset += frame.frame_bytes;
  }
}

SubscriberAcks::SubscriberAcks(FileSystem* file_system, std::string data_dir,
                               uint64_t retention_revisions,
                               std::map<std::string, Revision> acks,
                               bool legacy_file)
    : file_system_(file_system),
      data_dir_(std::move(data_dir)),
      retention_revisions_(retention_revisions),
      legacy_file_(legacy_file),
      acks_(std::move(acks)) {}

absl::StatusOr<std::unique_ptr<SubscriberAcks>> SubscriberAcks::Open(
    FileSystem* file_system, std::string data_dir,
    uint64_t retention_revisions) {
  const std::string path = data_dir + "/" + kSubscriberAcksFileName;
  absl::StatusOr<std::optional<std::string>> contents =
      ReadIfExists(file_system, path);
  if (!contents.ok()) return contents.status();
  std::map<std::string, Revision> acks;
  bool legacy = false;
  if (contents->has_value()) {
    absl::StatusOr<std::map<std::string, Revision>> decoded =
        DecodeSubscriberAcks(**contents, path);
    if (!decoded.ok()) return decoded.status();
    acks = std::move(*decoded);
  } else {
    const std::string legacy_path = data_dir + "/" + kLegacySubscriberFileName;
    contents = ReadIfExists(file_system, legacy_path);
    if (!contents.ok()) return contents.status();
    if (contents->has_value()) {
      absl::StatusOr<std::map<std::string, Revision>> decoded =
          DecodeLegacy(**contents, legacy_path);
      if (!decoded.ok()) return decoded.status();
      acks = std::move(*decoded);
      legacy = true;
    }
  }
  return std::unique_ptr<SubscriberAcks>(
      new SubscriberAcks(file_system, std::move(data_dir), retention_revisions,
                         std::move(acks), legacy));
}

void SubscriberAcks::Set(std::string_view id, Revision acked) {
  std::string key(id.substr(0, kMaxSubscriberIdBytes));
  if (key.empty()) return;
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = acks_.try_emplace(std::move(key), acked);
  if (inserted || it->second != acked) dirty_ = true;
  it->second = acked;
}

absl::Status SubscriberAcks::Forget(std::string_view id) {
  {
    absl::MutexLock lock(&mu_);
    auto it = acks_.find(std::string(id));
    if (it == acks_.end()) {
      return absl::NotFoundError(
          absl::StrFormat("subscriber_id: no subscriber '%s'", id));
    }
    acks_.erase(it);
    dirty_ = true;
  }
  return Persist();
}

std::map<std::string, Revision> SubscriberAcks::All() const {
  absl::MutexLock lock(&mu_);
  return acks_;
}

Revision SubscriberAcks::HoldRevision(Revision current) const {
  Revision hold = 0;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, acked] : acks_) {
      hold = hold == 0 ? acked + 1 : std::min(hold, acked + 1);
    }
  }
  if (hold != 0 && current > retention_revisions_) {
    hold = std::max(hold, current - retention_revisions_ + 1);
  }
  return hold;
}

absl::Status SubscriberAcks::Persist() {
  // The registry's lock is held only to copy, so acknowledgements are not
  // held up by the fsyncs.
  absl::MutexLock persist_lock(&persist_mu_);
  std::string contents;
  {
    absl::MutexLock lock(&mu_);
    if (!dirty_) return absl::OkStatus();
    contents = EncodeSubscriberAcks(acks_);
    dirty_ = false;
  }
  absl::Status status = io::WriteFileAtomically(
      file_system_, data_dir_, kSubscriberAcksFileName, contents);
  if (status.ok() && legacy_file_) {
    status = file_system_->Remove(data_dir_ + "/" + kLegacySubscriberFileName);
    if (status.ok()) legacy_file_ = false;
  }
  if (!status.ok()) {
    absl::MutexLock lock(&mu_);
    dirty_ = true;  // try again next time
  }
  return status;
}

}  // namespace infinitedb::replication
