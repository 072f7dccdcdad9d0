// Fuzz target: the values the engine decodes from its own system spaces
// and files: stored edges (engine/graph/edge_codec.h), catalogue events
// (replication/catalog_events.h) and the subscribers' acknowledgements
// file (replication/subscriber_acks.h).
#include <cstdint>
#include <string_view>

#include "engine/graph/edge_codec.h"
#include "engine/replication/catalog_events.h"
#include "engine/replication/subscriber_acks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)infinitedb::graph::DecodeEdge(bytes, 42, infinitedb::CommitStamp{});
  (void)infinitedb::replication::DecodeCatalogEvent(bytes, "value");
  (void)infinitedb::replication::DecodeSubscriberAcks(bytes, "SUBSCRIBERS");
  return 0;
}
