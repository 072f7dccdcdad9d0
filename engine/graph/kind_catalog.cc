#include "engine/graph/kind_catalog.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "engine/common/coding.h"
#include "engine/graph/graph_spaces.h"

namespace infinitedb::graph {
namespace {

constexpr uint8_t kVersion = 1;

Point DeclPoint(const std::string& kind) {
  uint64_t hash = KindHash(kind);
  return {static_cast<uint32_t>(hash >> 32), static_cast<uint32_t>(hash)};
}

std::string Encode(const KindDeclaration& declaration) {
  std::string out;
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(declaration.directed ? 1 : 0));
  PutLengthPrefixed(&out, declaration.kind);
  PutFixed32(&out, static_cast<uint32_t>(declaration.roles.size()));
  for (const std::string& role : declaration.roles) {
    PutLengthPrefixed(&out, role);
  }
  return out;
}

absl::StatusOr<KindDeclaration> Decode(std::string_view value) {
  ByteReader reader(value);
  uint8_t version = 0, flags = 0;
  uint32_t count = 0;
  std::string_view kind;
  KindDeclaration declaration;
  bool ok = reader.ReadByte(&version) && version == kVersion &&
            reader.ReadByte(&flags) && reader.ReadLengthPrefixed(&kind) &&
            reader.ReadFixed32(&count) && count <= value.size();
  for (uint32_t i = 0; ok && i < count; ++i) {
    std::string_view role;
    ok = reader.ReadLengthPrefixed(&role);
    declaration.roles.emplace_back(role);
  }
  if (!ok || !reader.empty()) {
    return absl::DataLossError("a kind declaration does not decode");
  }
  declaration.kind = std::string(kind);
  declaration.directed = (flags & 1) != 0;
  return declaration;
}

}  // namespace

absl::Status KindCatalog::Declare(const KindDeclaration& declaration) {
  auto label = [&](const std::string& field, const std::string& text) {
    if (text.empty()) {
      return absl::InvalidArgumentError(field + ": required (empty)");
    }
    if (text.size() > limits_.max_label_bytes) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: %d bytes; at most %d", field, text.size(),
                          limits_.max_label_bytes));
    }
    return absl::OkStatus();
  };
  if (absl::Status s = label("kind", declaration.kind); !s.ok()) return s;
  for (size_t i = 0; i < declaration.roles.size(); ++i) {
    absl::Status s =
        label(absl::StrFormat("roles[%d]", i), declaration.roles[i]);
    if (!s.ok()) return s;
  }
  // Refuses a kind whose hash another declared kind has.
  absl::StatusOr<std::optional<KindDeclaration>> existing =
      Find(declaration.kind);
  if (!existing.ok()) return existing.status();
  absl::StatusOr<SpaceInfo> space =
      store_->EnsureSystemSpace(kKindDeclsSpace, 2, 2);
  if (!space.ok()) return space.status();
  const Point point = DeclPoint(declaration.kind);
  const std::string value = Encode(declaration);
  MutationView put{Mutation::Kind::kPut, kKindDeclsSpace, &point, value};
  return store_->Commit(kMainBranch, {&put, 1}, "").status();
}

absl::StatusOr<std::vector<KindDeclaration>> KindCatalog::List() {
  std::vector<KindDeclaration> kinds;
  if (!store_->FindSpace(kKindDeclsSpace).ok()) return kinds;
  QueryRequest request;
  request.space = kKindDeclsSpace;
  absl::Status status;
  absl::StatusOr<QueryResult> result =
      store_->Query(request, [&](const RecordView& view) {
        absl::StatusOr<KindDeclaration> declaration = Decode(view.value);
        if (!declaration.ok()) {
          status = declaration.status();
          return false;
        }
        kinds.push_back(std::move(*declaration));
        return true;
      });
  if (!result.ok()) return result.status();
  if (!status.ok()) return status;
  std::sort(kinds.begin(), kinds.end(),
            [](const auto& a, const auto& b) { return a.kind < b.kind; });
  return kinds;
}

absl::StatusOr<std::optional<KindDeclaration>> KindCatalog::Find(
    const std::string& kind) {
  if (!store_->FindSpace(kKindDeclsSpace).ok()) return std::nullopt;
  absl::StatusOr<std::optional<Record>> record =
      store_->Get(ReadOptions{}, kKindDeclsSpace, DeclPoint(kind));
  if (!record.ok()) return record.status();
  if (!*record) return std::nullopt;
  absl::StatusOr<KindDeclaration> declaration = Decode((*record)->value);
  if (!declaration.ok()) return declaration.status();
  if (declaration->kind != kind) {
    return absl::AlreadyExistsError(absl::StrFormat(
        "kind: '%s' has the hash of the declared kind '%s'; choose another "
        "name",
        kind, declaration->kind));
  }
  return std::optional<KindDeclaration>(std::move(*declaration));
}

absl::Status KindCatalog::Unknown(const std::string& field,
                                  const std::string& what) {
  switch (policy_) {
    case UnknownLabelPolicy::kAllow:
      return absl::OkStatus();
    case UnknownLabelPolicy::kWarn:
      logger_->warn("{}: {} (written; unknown_edge_labels=warn)", field, what);
      return absl::OkStatus();
    case UnknownLabelPolicy::kReject:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: %s (unknown_edge_labels=reject)", field, what));
}

absl::Status KindCatalog::Check(
    const Edge& edge, const std::string& field,
    std::map<std::string, std::optional<KindDeclaration>>* cache) {
  auto known = cache->find(edge.kind);
  if (known == cache->end()) {
    absl::StatusOr<std::optional<KindDeclaration>> found = Find(edge.kind);
    if (!found.ok() && !absl::IsAlreadyExists(found.status())) {
      return found.status();
    }
    known = cache->emplace(edge.kind, found.ok() ? *found : std::nullopt).first;
  }
  if (!known->second) {
    return Unknown(field + ".kind",
                   absl::StrFormat("kind '%s' is not declared", edge.kind));
  }
  const KindDeclaration& declaration = *known->second;
  if (declaration.directed != edge.directed) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.directed: kind '%s' is declared %s", field, edge.kind,
        declaration.directed ? "directed" : "undirected"));
  }
  if (declaration.roles.empty()) return absl::OkStatus();
  for (size_t i = 0; i < edge.endpoints.size(); ++i) {
    const std::string& role = edge.endpoints[i].role;
    if (std::find(declaration.roles.begin(), declaration.roles.end(), role) !=
        declaration.roles.end()) {
      continue;
    }
    absl::Status status = Unknown(
        absl::StrFormat("%s.endpoints[%d].role", field, i),
        absl::StrFormat("'%s' is not a role of kind '%s'", role, edge.kind));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace infinitedb::graph
