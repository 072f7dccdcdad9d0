#include "engine/replication/catalog_events.h"

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"

namespace infinitedb::replication {
namespace {

constexpr uint8_t kEventVersion = 1;

}  // namespace

Point CatalogEventPoint(bool about_space, std::string_view name) {
  const uint64_t hash = Fnv1a64(name);
  return {about_space ? 2u : 1u, static_cast<uint32_t>(hash >> 32),
          static_cast<uint32_t>(hash)};
}

std::string EncodeCatalogEvent(const CatalogEvent& event) {
  std::string out;
  out.push_back(static_cast<char>(kEventVersion));
  out.push_back(static_cast<char>(event.kind));
  PutLengthPrefixed(&out, event.name);
  PutLengthPrefixed(&out, event.parent);
  PutFixed64(&out, event.fork_hlc);
  PutFixed32(&out, event.fork_origin);
  return out;
}

absl::StatusOr<CatalogEvent> DecodeCatalogEvent(std::string_view value,
                                                std::string_view field) {
  ByteReader reader(value);
  uint8_t version = 0, kind = 0;
  std::string_view name, parent;
  CatalogEvent event;
  const bool ok = reader.ReadByte(&version) && version == kEventVersion &&
                  reader.ReadByte(&kind) && kind >= 1 && kind <= 3 &&
                  reader.ReadLengthPrefixed(&name) &&
                  reader.ReadLengthPrefixed(&parent) &&
                  reader.ReadFixed64(&event.fork_hlc) &&
                  reader.ReadFixed32(&event.fork_origin) && reader.empty();
  if (!ok || name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: not a catalogue event", field));
  }
  event.kind = static_cast<CatalogEventKind>(kind);
  event.name = std::string(name);
  event.parent = std::string(parent);
  if (event.kind == CatalogEventKind::kBranchCreated && event.parent.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: a branch creation names its parent", field));
  }
  // Nothing may create or drop main, or drop a system space.
  if (event.about_space() ? event.name.starts_with(kSystemSpacePrefix)
                          : event.name == kMainBranch) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: a catalogue event cannot be about '%s'", field, event.name));
  }
  return event;
}

CatalogEvent StampedEvent(CatalogEvent event, uint64_t hlc, uint32_t origin) {
  if (event.kind == CatalogEventKind::kBranchCreated) {
    event.fork_hlc = hlc;
    event.fork_origin = origin;
  }
  return event;
}

}  // namespace infinitedb::replication
