// Certificates for TLS tests, made with the openssl command in a directory:
// a CA, server certificates it signs for 127.0.0.1 and localhost, and
// client certificates whose Common Name is a user name.
#ifndef INFINITEDB_TESTS_INTEGRATION_TEST_CERTIFICATES_H_
#define INFINITEDB_TESTS_INTEGRATION_TEST_CERTIFICATES_H_

#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/run_command.h"

namespace infinitedb::testing {

class TestCertificates {
 public:
  explicit TestCertificates(std::string dir) : dir_(std::move(dir)) {}

  // Makes NAME.key and NAME.pem, a self-signed CA; false on failure (the
  // output is in last_output()).
  bool MakeCa(const std::string& name) {
    return Run(
        "openssl req -x509 -newkey ec -pkeyopt "
        "ec_paramgen_curve:P-256 -nodes -days 2 -keyout " +
        Path(name + ".key") + " -out " + Path(name + ".pem") +
        " -subj /CN=" + name);
  }

  // NAME.key and NAME.pem signed by CA, for 127.0.0.1 and localhost.
  bool MakeServer(const std::string& name, const std::string& ca) {
    return Make(name, ca, "/CN=" + name,
                " -addext subjectAltName=IP:127.0.0.1,DNS:localhost");
  }

  // NAME.key and NAME.pem signed by CA, with Common Name USER.
  bool MakeClient(const std::string& name, const std::string& ca,
                  const std::string& user) {
    return Make(name, ca, "/CN=" + user, "");
  }

  std::string Path(const std::string& file) const { return dir_ + "/" + file; }
  std::string Read(const std::string& file) const {
    std::ifstream in(Path(file));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  const std::string& last_output() const { return output_; }

 private:
  bool Make(const std::string& name, const std::string& ca,
            const std::string& subject, const std::string& extensions) {
    return Run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
               "-nodes -keyout " +
               Path(name + ".key") + " -out " + Path(name + ".csr") +
               " -subj " + subject + extensions) &&
           Run("openssl x509 -req -days 2 -copy_extensions copyall -in " +
               Path(name + ".csr") + " -CA " + Path(ca + ".pem") + " -CAkey " +
               Path(ca + ".key") + " -CAcreateserial -out " +
               Path(name + ".pem"));
  }
  bool Run(const std::string& command) {
    CommandResult result = RunShellCommand(command);
    output_ = result.output;
    return result.exit_code == 0;
  }

  const std::string dir_;
  std::string output_;
};

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_INTEGRATION_TEST_CERTIFICATES_H_
