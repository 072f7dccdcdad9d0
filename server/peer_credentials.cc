#include "server/peer_credentials.h"

#include <tuple>

#include "absl/strings/str_format.h"
#include "server/pem_check.h"
#include "server/private_file.h"

namespace infinitedb::server {
namespace {

absl::Status ReadInto(const std::string& path, const char* flag,
                      std::string* text) {
  if (path.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> read = ReadFlagFile(path, flag);
  if (!read.ok()) return read.status();
  *text = std::move(*read);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
PeerChannelCredentials(const TlsFiles& peer) {
  if (!peer.any()) return grpc::InsecureChannelCredentials();
  PemSet pems;
  for (const auto& [path, flag, text] :
       {std::tuple{&peer.cert_file, "--peer-cert-file", &pems.cert_chain},
        std::tuple{&peer.key_file, "--peer-key-file", &pems.private_key},
        std::tuple{&peer.trusted_ca_file, "--peer-trusted-ca-file",
                   &pems.trusted_ca}}) {
    if (absl::Status s = ReadInto(*path, flag, text); !s.ok()) return s;
  }
  const PemSources sources{"--peer-cert-file", "--peer-key-file",
                           "--peer-trusted-ca-file"};
  if (!pems.cert_chain.empty()) {
    if (absl::Status s = CheckPemSet(pems, sources); !s.ok()) return s;
  } else if (!pems.trusted_ca.empty()) {
    if (DescribeCertificate(pems.trusted_ca).empty()) {
      return absl::InvalidArgumentError(
          "--peer-trusted-ca-file: holds no PEM certificate (-----BEGIN "
          "CERTIFICATE-----)");
    }
  }
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pems.trusted_ca;
  options.pem_cert_chain = pems.cert_chain;
  options.pem_private_key = pems.private_key;
  return grpc::SslCredentials(options);
}

}  // namespace infinitedb::server
