// The catalogue of declared edge kinds, one per database: records of the
// system space __graph.kind_decls on main, 2 ordered axes (the kind's hash,
// high and low halves; graph_spaces.h), each value:
//
//   version  u8   1
//   flags    u8   bit 0: directed
//   kind     u32 length + bytes
//   roles    u32 count, then each: u32 length + bytes
//
// and the check of an edge against it (EngineOptions::unknown_edge_labels).
#ifndef INFINITEDB_ENGINE_GRAPH_KIND_CATALOG_H_
#define INFINITEDB_ENGINE_GRAPH_KIND_CATALOG_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/graph/edge_validation.h"
#include "engine/graph/graph_store.h"
#include "engine/public/graph.h"
#include "engine/public/options.h"
#include "spdlog/logger.h"

namespace infinitedb::graph {

inline constexpr char kKindDeclsSpace[] = "__graph.kind_decls";

class KindCatalog {
 public:
  KindCatalog(GraphStore* store, const EdgeLimits& limits,
              UnknownLabelPolicy policy, spdlog::logger* logger)
      : store_(store), limits_(limits), policy_(policy), logger_(logger) {}

  absl::Status Declare(const KindDeclaration& declaration);
  absl::StatusOr<std::vector<KindDeclaration>> List();
  absl::StatusOr<std::optional<KindDeclaration>> Find(const std::string& kind);

  // Checks edge `field` against its kind's declaration; `cache` keeps the
  // declarations found during one write.
  absl::Status Check(
      const Edge& edge, const std::string& field,
      std::map<std::string, std::optional<KindDeclaration>>* cache);

 private:
  // A label the catalogue does not know: allowed, logged or refused.
  absl::Status Unknown(const std::string& field, const std::string& what);

  GraphStore* const store_;
  const EdgeLimits limits_;
  const UnknownLabelPolicy policy_;
  spdlog::logger* const logger_;
};

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_KIND_CATALOG_H_
