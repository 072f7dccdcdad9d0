#include "server/server_tls.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/private_file.h"

namespace infinitedb::server {
namespace {

// How often gRPC re-reads the live copies.
constexpr unsigned kRefreshSeconds = 1;

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
  const std::string current = live_dir + "/current";
  const std::string ca_path =
      files.trusted_ca_file.empty() ? "" : current + "/ca.pem";
  tls->provider_ =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          current + "/key.pem", current + "/cert.pem", ca_path,
          kRefreshSeconds);
  return tls;
}

// Writes the live copies as one new generation, gen-N/{cert,key,ca}.pem,
// then points the symbolic link `current` at it with one rename: gRPC's
// watcher never reads a certificate with another one's key. The previous
// generation stays (a read may be under way); older ones go.
absl::Status ServerTls::Install(const PemSet& pems) {
  const std::string generation =
      absl::StrFormat("gen-%d", absl::ToUnixMicros(absl::Now()));
  const std::string dir = live_dir_ + "/" + generation;
  if (mkdir(dir.c_str(), 0700) != 0) {
    return absl::InternalError(
        absl::StrFormat("cannot create %s: %s", dir, std::strerror(errno)));
  }
  for (const auto& [name, text] : {std::pair{"/cert.pem", &pems.cert_chain},
                                   std::pair{"/key.pem", &pems.private_key},
                                   std::pair{"/ca.pem", &pems.trusted_ca}}) {
    if (text->empty()) continue;
    if (absl::Status s = WritePrivateFile(dir + name, *text); !s.ok()) {
      return s;
    }
  }
  const std::string link = live_dir_ + "/current";
  const std::string temporary = link + ".tmp";
  unlink(temporary.c_str());
  if (symlink(generation.c_str(), temporary.c_str()) != 0 ||
      rename(temporary.c_str(), link.c_str()) != 0) {
    return absl::InternalError(absl::StrFormat(
        "cannot point %s at %s: %s", link, dir, std::strerror(errno)));
  }
  if (!previous_generation_.empty()) {
    std::error_code ignored;
    for (const auto& entry :
         std::filesystem::directory_iterator(live_dir_, ignored)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("gen-", 0) == 0 && name != generation &&
          name != previous_generation_) {
        std::filesystem::remove_all(entry.path(), ignored);
      }
    }
  }
  previous_generation_ = generation;
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
