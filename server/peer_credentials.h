// The channel credentials infdb-server dials its --peer servers with:
// plaintext without --peer-* flags, else TLS trusting --peer-trusted-ca-file
// (or the system's CAs) and presenting --peer-cert-file when given.
#ifndef INFINITEDB_SERVER_PEER_CREDENTIALS_H_
#define INFINITEDB_SERVER_PEER_CREDENTIALS_H_

#include <memory>

#include <grpcpp/security/credentials.h>

#include "absl/status/statusor.h"
#include "server/server_flags.h"

namespace infinitedb::server {

// Errors name the --peer-* flag whose file is missing or bad.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
PeerChannelCredentials(const TlsFiles& peer);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_PEER_CREDENTIALS_H_
