// Checks of PEM certificate material with OpenSSL before gRPC sees it, so
// that a bad file is refused with the flag and the reason named (at startup)
// or leaves the certificates in use in place (on a reload).
#ifndef INFINITEDB_SERVER_PEM_CHECK_H_
#define INFINITEDB_SERVER_PEM_CHECK_H_

#include <string>

#include "absl/status/status.h"

namespace infinitedb::server {

// A certificate chain, its private key and the CAs trusted for the other
// side's certificates (empty = none), as PEM text.
struct PemSet {
  std::string cert_chain;
  std::string private_key;
  std::string trusted_ca;

  bool operator==(const PemSet&) const = default;
};

// The names of the flags (or options) each part came from, for errors.
struct PemSources {
  std::string cert_chain = "--cert-file";
  std::string private_key = "--key-file";
  std::string trusted_ca = "--trusted-ca-file";
};

// InvalidArgument naming the source unless the chain holds at least one
// certificate, valid now; the key parses and belongs to the chain's first
// certificate; and trusted_ca, when given, holds at least one certificate.
absl::Status CheckPemSet(const PemSet& pems, const PemSources& sources);

// "CN=..., expires 2027-12-03" of the chain's first certificate ("" when it
// does not parse), for the log.
std::string DescribeCertificate(const std::string& cert_chain);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_PEM_CHECK_H_
