// The credentials a peer replicator sends to its peer when that peer has
// auth enabled: it authenticates as --peer-user with the password of
// --peer-password-file (Auth.Authenticate), keeps the token, and does so
// again when the token is a minute from its expiry or was refused. With no
// password it sends nothing (a --peer-cert-file whose Common Name is the
// user authenticates it instead). Used by the replicator's thread only.
#ifndef INFINITEDB_SERVER_PEER_TOKEN_H_
#define INFINITEDB_SERVER_PEER_TOKEN_H_

#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace infinitedb::server {

class PeerToken {
 public:
  PeerToken(std::string user, std::string password)
      : user_(std::move(user)), password_(std::move(password)) {}

  // Adds "authorization: Bearer TOKEN" to `call`, authenticating on
  // `channel` first when needed; the error names Auth.Authenticate.
  absl::Status Attach(const std::shared_ptr<grpc::Channel>& channel,
                      grpc::ClientContext* call);
  // Drops the token (after the peer answered UNAUTHENTICATED).
  void Forget() { token_.clear(); }

 private:
  const std::string user_;
  const std::string password_;
  std::string token_;
  int64_t expires_unix_ = 0;
};

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_PEER_TOKEN_H_
