// Verification of the graph benchmark's answers: each answer in a canonical
// text (sorted, so equal answers have equal texts whatever order a system
// returns them in), and the comparison of a system's verified answers with
// the reference's. A path a system returns is checked against the
// workload's edges as well, since equally short paths may differ.
#ifndef INFINITEDB_BENCH_GRAPH_CHECK_H_
#define INFINITEDB_BENCH_GRAPH_CHECK_H_

#include <map>
#include <string>
#include <vector>

#include "bench/graph_store.h"

namespace infinitedb::bench {

// "n=<answers>" then the sorted answers.
std::string CanonicalText(std::vector<IncidentEdge> edges);
std::string CanonicalText(std::vector<ReachedNode> nodes);
std::string CanonicalText(std::vector<BoxPair> pairs);
// "found <length>" or "not found"; "invalid path: ..." when the path the
// system returned does not lead from `from` to `to` through the workload's
// edges in `length` steps.
std::string CanonicalText(const PathAnswer& path, const PathPair& pair,
                          const GraphWorkload& workload);

// Verified answers by query ("incident #3"), as a child writes them to its
// file (one "key<TAB>text" line each) and the parent reads them back.
using CheckLog = std::map<std::string, std::string>;
bool WriteCheckLog(const std::string& path, const CheckLog& log);
CheckLog ReadCheckLog(const std::string& path);

// The queries where `got` differs from `expected` (or lacks an answer),
// each described in one line; empty when they agree.
std::vector<std::string> CompareCheckLogs(const CheckLog& expected,
                                          const CheckLog& got);

}  // namespace infinitedb::bench

#endif  // INFINITEDB_BENCH_GRAPH_CHECK_H_
