#include "server/pem_check.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/strings/str_format.h"

namespace infinitedb::server {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Certificate = std::unique_ptr<X509, X509Free>;

std::unique_ptr<BIO, BioFree> ReadOnly(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The first certificate of `pem` (nullptr when there is none).
Certificate FirstCertificate(const std::string& pem) {
  auto bio = ReadOnly(pem);
  return Certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::string AsText(const ASN1_TIME* time) {
  std::unique_ptr<BIO, BioFree> out(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(out.get(), time);
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, size);
}

absl::Status CheckValidNow(const X509* cert, const std::string& source) {
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: the certificate expired on %s", source,
                        AsText(X509_get0_notAfter(cert))));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: the certificate is not valid before %s", source,
                        AsText(X509_get0_notBefore(cert))));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckPemSet(const PemSet& pems, const PemSources& sources) {
  Certificate cert = FirstCertificate(pems.cert_chain);
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        sources.cert_chain));
  }
  if (absl::Status s = CheckValidNow(cert.get(), sources.cert_chain); !s.ok()) {
    return s;
  }
  auto key_bio = ReadOnly(pems.private_key);
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: holds no unencrypted PEM private key", sources.private_key));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: is not the private key of the certificate in %s",
                        sources.private_key, sources.cert_chain));
  }
  if (!pems.trusted_ca.empty() &&
      FirstCertificate(pems.trusted_ca) == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        sources.trusted_ca));
  }
  return absl::OkStatus();
}

std::string DescribeCertificate(const std::string& cert_chain) {
  Certificate cert = FirstCertificate(cert_chain);
  if (cert == nullptr) return "";
  char subject[256];
  X509_NAME_oneline(X509_get_subject_name(cert.get()), subject,
                    sizeof(subject));
  return absl::StrFormat("%s, expires %s", subject,
                         AsText(X509_get0_notAfter(cert.get())));
}

}  // namespace infinitedb::server
