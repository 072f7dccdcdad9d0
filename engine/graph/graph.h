// The graph: hyperedges stored as records of system spaces (graph_spaces.h)
// through a GraphStore, so that they are versioned, branched, crash-safe
// and compacted exactly like records. Validates writes, assigns ids, plans
// each write as one commit with its index entries, and answers the graph
// queries at one snapshot. The methods mirror Engine's graph methods.
#ifndef INFINITEDB_ENGINE_GRAPH_GRAPH_H_
#define INFINITEDB_ENGINE_GRAPH_GRAPH_H_

#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/graph/edge_id_allocator.h"
#include "engine/graph/edge_validation.h"
#include "engine/graph/graph_cache.h"
#include "engine/graph/graph_store.h"
#include "engine/graph/kind_catalog.h"
#include "engine/public/graph.h"
#include "engine/public/options.h"

namespace infinitedb::graph {

class Graph {
 public:
  // `store` outlives the graph; `options.env` is resolved.
  static absl::StatusOr<std::unique_ptr<Graph>> Open(
      GraphStore* store, const EngineOptions& options);

  absl::StatusOr<WriteResult> Write(std::string_view branch,
                                    const WriteBatch& batch);
  // What a merge adds to a write: mutations of system spaces committed with
  // it, and edges allowed to dangle (it reports them instead).
  struct WriteExtras {
    std::span<const MutationView> system;
    bool allow_dangling = false;
  };
  absl::StatusOr<WriteResult> Write(std::string_view branch,
                                    const WriteBatch& batch,
                                    const WriteExtras& extras);

  absl::StatusOr<std::optional<Edge>> GetEdge(const ReadOptions& options,
                                              EdgeId id);
  absl::StatusOr<std::vector<Edge>> EdgeHistory(const ReadOptions& options,
                                                EdgeId id);
  absl::StatusOr<GraphPage> Incident(const IncidentRequest& request,
                                     IncidenceVisitor visit);
  absl::StatusOr<GraphPage> BoxIncident(const BoxIncidentRequest& request,
                                        IncidenceVisitor visit);
  absl::StatusOr<GraphPage> EdgesByKind(const KindRequest& request,
                                        EdgeVisitor visit);
  absl::StatusOr<Degree> NodeDegree(const IncidentRequest& request);
  absl::StatusOr<TraverseResult> Traverse(const TraverseRequest& request);
  absl::StatusOr<PathResult> ShortestPath(const PathRequest& request);
  absl::StatusOr<CycleResult> FindCycle(const CycleRequest& request);
  absl::Status DeclareKind(const KindDeclaration& declaration) {
    return kinds_.Declare(declaration);
  }
  absl::StatusOr<std::vector<KindDeclaration>> ListKinds() {
    return kinds_.List();
  }
  absl::StatusOr<GraphPage> DanglingEdges(const GraphRead& read,
                                          EdgeVisitor visit);
  // An edge id that arrived from a peer (EdgeIdAllocator::Observe).
  absl::Status ObserveId(EdgeId id) { return ids_->Observe(id); }
  // Writers of the graph's spaces other than Write (replication, dropping
  // a space) mark what they write in it.
  GraphCache& cache() { return cache_; }

 private:
  Graph(GraphStore* store, const EngineOptions& options,
        std::unique_ptr<EdgeIdAllocator> ids)
      : store_(store),
        limits_(EdgeLimits::Of(options)),
        reject_dangling_(options.reject_dangling_edges),
        ids_(std::move(ids)),
        cache_(options.graph_cache_bytes, store->CurrentRevision()),
        kinds_(store, limits_, options.unknown_edge_labels,
               options.env.logger.get()) {}

  absl::Status Validate(const WriteBatch& batch);
  // With reject_dangling_edges: every endpoint of every put has a record.
  absl::Status CheckEndpointsLive(std::string_view branch,
                                  const WriteBatch& batch);
  absl::Status ValidateNode(const NodeRef& node, std::string_view field);
  // Ids of the batch's edges, assigning new ones; `fresh` marks those.
  absl::StatusOr<std::vector<EdgeId>> AssignIds(const WriteBatch& batch,
                                                std::vector<bool>* fresh);
  // Commits `batch`; FailedPrecondition of kind "raced" when an edge it
  // read was written meanwhile (the caller plans again).
  absl::StatusOr<WriteResult> TryWrite(std::string_view branch,
                                       const WriteBatch& batch,
                                       const std::vector<EdgeId>& ids,
                                       const std::vector<bool>& fresh,
                                       const WriteExtras& extras, bool* raced);

  GraphStore* const store_;
  const EdgeLimits limits_;
  const bool reject_dangling_;
  std::unique_ptr<EdgeIdAllocator> ids_;
  GraphCache cache_;
  KindCatalog kinds_;
  // Held by writes that lost several races (Write).
  absl::Mutex contended_mu_;
};

}  // namespace infinitedb::graph

#endif  // INFINITEDB_ENGINE_GRAPH_GRAPH_H_
