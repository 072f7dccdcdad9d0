// Small private files of infdb-server's data directory (the cursor key, the
// live copies of the TLS certificates): written whole or not at all, owner
// read/write only, durable when the call returns; and reading the files
// that flags name.
#ifndef INFINITEDB_SERVER_PRIVATE_FILE_H_
#define INFINITEDB_SERVER_PRIVATE_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace infinitedb::server {

// Writes `bytes` to PATH.tmp (mode 0600), syncs it, renames it over `path`
// and syncs the directory.
absl::Status WritePrivateFile(const std::string& path,
                              const std::string& bytes);

// The whole file; NotFound when it does not exist, FailedPrecondition naming
// the reason otherwise.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// ReadWholeFile for the file a flag names: InvalidArgument naming `flag`.
absl::StatusOr<std::string> ReadFlagFile(const std::string& path,
                                         std::string_view flag);

// A secret key of `bytes` random bytes kept in `path`: read when the file
// exists, made (WritePrivateFile) when it does not. A file that exists but
// cannot be read, or has another size, is an error and is never replaced
// (what `signs` - "every resume cursor" - would all be refused); the size
// error says `if_removed` happens when it is removed.
absl::StatusOr<std::string> OpenOrMakeKeyFile(const std::string& path,
                                              size_t bytes,
                                              std::string_view if_removed,
                                              std::string_view signs);

// Writes all of `bytes` to `fd` (write may take fewer at a time); errors
// name `path`.
absl::Status WriteAll(int fd, std::string_view bytes, const std::string& path);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_PRIVATE_FILE_H_
