// A fresh temporary directory per test, removed afterwards.
#ifndef INFINITEDB_TESTS_ENGINE_TESTUTIL_TEMP_DIR_H_
#define INFINITEDB_TESTS_ENGINE_TESTUTIL_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace infinitedb::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "infdb-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_ENGINE_TESTUTIL_TEMP_DIR_H_
