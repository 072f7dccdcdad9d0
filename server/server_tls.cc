#include "server/server_tls.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "server/private_file.h"

namespace infinitedb::server {
namespace {

// How often gRPC re-reads the live copies.
constexpr unsigned kRefreshSeconds = 1;

absl::StatusOr<std::string> ReadFlagFile(const std::string& path,
                                         const char* flag) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %s", flag, text.status().message()));
  }
  return text;
}

}  // namespace

absl::Status CheckTlsFlags(const TlsFiles& files) {
  const bool cert = !files.cert_file.empty();
  if (cert != !files.key_file.empty()) {
    return absl::InvalidArgumentError(
        cert ? "--cert-file: needs --key-file (the certificate's private key)"
             : "--key-file: needs --cert-file (the server's certificate)");
  }
  if (!cert && !files.trusted_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--trusted-ca-file: needs --cert-file and --key-file (client "
        "certificates are checked only over TLS)");
  }
  if (files.client_cert_auth && files.trusted_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--client-cert-auth: needs --trusted-ca-file (the CA that signs the "
        "client certificates) and --cert-file and --key-file");
  }
  return absl::OkStatus();
}

absl::StatusOr<PemSet> ReadPemFiles(const TlsFiles& files) {
  PemSet pems;
  absl::StatusOr<std::string> cert =
      ReadFlagFile(files.cert_file, "--cert-file");
  if (!cert.ok()) return cert.status();
  pems.cert_chain = std::move(*cert);
  absl::StatusOr<std::string> key = ReadFlagFile(files.key_file, "--key-file");
  if (!key.ok()) return key.status();
  pems.private_key = std::move(*key);
  if (!files.trusted_ca_file.empty()) {
    absl::StatusOr<std::string> ca =
        ReadFlagFile(files.trusted_ca_file, "--trusted-ca-file");
    if (!ca.ok()) return ca.status();
    pems.trusted_ca = std::move(*ca);
  }
  return pems;
}

absl::StatusOr<std::unique_ptr<ServerTls>> ServerTls::Open(
    const TlsFiles& files, const std::string& data_dir) {
  if (absl::Status s = CheckTlsFlags(files); !s.ok()) return s;
  absl::StatusOr<PemSet> pems = ReadPemFiles(files);
  if (!pems.ok()) return pems.status();
  if (absl::Status s = CheckPemSet(*pems, PemSources()); !s.ok()) return s;
  const std::string live_dir = data_dir + "/tls";
  if (mkdir(live_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InternalError(absl::StrFormat("cannot create %s: %s", live_dir,
                                               std::strerror(errno)));
  }
  std::unique_ptr<ServerTls> tls(new ServerTls(files, live_dir));
  {
    absl::MutexLock lock(&tls->mu_);
    if (absl::Status s = tls->Install(*pems); !s.ok()) return s;
  }
  const std::string ca_path =
      files.trusted_ca_file.empty() ? "" : live_dir + "/ca.pem";
  tls->provider_ =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          live_dir + "/key.pem", live_dir + "/cert.pem", ca_path,
          kRefreshSeconds);
  return tls;
}

// Writes the live copies: the certificate before its key, each whole.
absl::Status ServerTls::Install(const PemSet& pems) {
  for (const auto& [name, text] : {std::pair{"/cert.pem", &pems.cert_chain},
                                   std::pair{"/key.pem", &pems.private_key},
                                   std::pair{"/ca.pem", &pems.trusted_ca}}) {
    if (text->empty()) continue;
    if (absl::Status s = WritePrivateFile(live_dir_ + name, *text); !s.ok()) {
      return s;
    }
  }
  installed_ = pems;
  return absl::OkStatus();
}

std::shared_ptr<grpc::ServerCredentials> ServerTls::Credentials() const {
  grpc::experimental::TlsServerCredentialsOptions options(provider_);
  options.watch_identity_key_cert_pairs();
  if (!files_.trusted_ca_file.empty()) options.watch_root_certs();
  options.set_cert_request_type(
      files_.client_cert_auth
          ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
          : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  return grpc::experimental::TlsServerCredentials(options);
}

absl::StatusOr<std::string> ServerTls::Reload() {
  absl::StatusOr<PemSet> pems = ReadPemFiles(files_);
  if (!pems.ok()) return pems.status();
  absl::MutexLock lock(&mu_);
  if (*pems == installed_) return std::string();
  if (absl::Status s = CheckPemSet(*pems, PemSources()); !s.ok()) return s;
  if (absl::Status s = Install(*pems); !s.ok()) return s;
  return DescribeCertificate(pems->cert_chain);
}

std::string ServerTls::Describe() const {
  absl::MutexLock lock(&mu_);
  return absl::StrFormat(
      "TLS%s; %s",
      files_.client_cert_auth ? ", client certificates required" : "",
      DescribeCertificate(installed_.cert_chain));
}

}  // namespace infinitedb::server
