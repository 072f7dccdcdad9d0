// The engine's file handle (File, from engine/public/env.h: every operation
// goes through the FileSystem that opened it) and helpers over any
// FileSystem. Failures are absl::Status naming the path (ENOSPC is
// ResourceExhausted).
#ifndef INFINITEDB_ENGINE_IO_FILE_H_
#define INFINITEDB_ENGINE_IO_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "engine/public/env.h"

namespace infinitedb::io {

using ::infinitedb::File;
using ::infinitedb::FileSystem;

// Replaces `dir`/`name` with `contents` so that a crash at any moment leaves
// the old file or the new one whole: writes `name`.tmp, fsyncs it, renames it
// over `name` and fsyncs `dir`. On failure the temporary file is removed and
// the old file is untouched.
absl::Status WriteFileAtomically(FileSystem* file_system,
                                 const std::string& dir,
                                 const std::string& name,
                                 std::string_view contents);

// `what` failed on `path` with errno `error_number`.
absl::Status ErrnoStatus(int error_number, std::string_view what,
                         std::string_view path);

}  // namespace infinitedb::io

#endif  // INFINITEDB_ENGINE_IO_FILE_H_
