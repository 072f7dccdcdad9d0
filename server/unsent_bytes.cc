#include "server/unsent_bytes.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace infinitedb::server {
namespace {

constexpr char kEstablished[] = "01";

// Adds the tx_queue of the established sockets of `table` (the format of
// /proc/net/tcp and tcp6: "sl local_address rem_address st
// tx_queue:rx_queue ...", addresses as HEX_ADDRESS:HEX_PORT) whose local
// port is `port`.
int64_t UnsentInTable(const char* table, int port) {
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // the column names
  int64_t unsent = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    if (!(fields >> slot >> local >> remote >> state >> queues)) continue;
    const size_t port_at = local.rfind(':');
    const size_t queue_end = queues.find(':');
    if (port_at == std::string::npos || queue_end == std::string::npos ||
        state != kEstablished) {
      continue;
    }
    if (std::strtol(local.c_str() + port_at + 1, nullptr, 16) != port) continue;
    unsent += std::strtoll(queues.c_str(), nullptr, 16);
  }
  return unsent;
}

}  // namespace

int64_t UnsentBytesOnPort(int port) {
  return UnsentInTable("/proc/self/net/tcp", port) +
         UnsentInTable("/proc/self/net/tcp6", port);
}

}  // namespace infinitedb::server
