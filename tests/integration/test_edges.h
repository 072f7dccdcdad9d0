// Edges for integration tests that need some: an undirected edge of kind
// "k" from (x, 0) role "a" to (x, 1) role "b" of a 2-D space.
#ifndef INFINITEDB_TESTS_INTEGRATION_TEST_EDGES_H_
#define INFINITEDB_TESTS_INTEGRATION_TEST_EDGES_H_

#include <cstdint>
#include <string>

#include "infinitedb/v1/graph.pb.h"

namespace infinitedb::testing {

inline v1::PutEdgeRequest EdgeAcross(const std::string& space, uint32_t x) {
  v1::PutEdgeRequest put;
  put.mutable_edge()->set_kind("k");
  for (uint32_t end = 0; end < 2; ++end) {
    v1::Endpoint* endpoint = put.mutable_edge()->add_endpoints();
    endpoint->set_space(space);
    endpoint->mutable_point()->add_coordinates(x);
    endpoint->mutable_point()->add_coordinates(end);
    endpoint->set_role(end == 0 ? "a" : "b");
  }
  return put;
}

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_INTEGRATION_TEST_EDGES_H_
