// infdb-cli snapshot save FILE [--incremental-from BASE] | snapshot status
// FILE: an online backup (incremental: the segment files BASE holds go in
// without their bytes)
// from the server (Admin.Backup) written to FILE and checked by reading it
// back before it takes FILE's name; and a backup file's contents, every
// checksum verified (engine/public/backup_archive.h). Restoring is the
// server's: infdb-server --restore-from FILE --data-dir DIR.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/str_format.h"
#include "client/cli_commands.h"
#include "client/cli_flags.h"
#include "client/cli_output.h"
#include "engine/public/backup_archive.h"

namespace infinitedb::cli {
namespace {

// "saved 12.0 of 40.3 MiB (25.1 MiB/s, 1 s left)" on stderr, rewritten in
// place at most every 200 ms; only on a terminal.
class ByteProgress {
 public:
  ByteProgress() : shown_(isatty(STDERR_FILENO) != 0) {}
  void Update(uint64_t done, uint64_t total, bool final = false) {
    if (!shown_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double seconds =
        std::chrono::duration<double>(now - start_).count() + 1e-9;
    const double rate = done / seconds;
    const double left = rate > 0 && total > done ? (total - done) / rate : 0;
    std::fprintf(stderr, "\rsaved %.1f of %.1f MiB (%.1f MiB/s, %.0f s left)%s",
                 done / 1048576.0, total / 1048576.0, rate / 1048576.0, left,
                 final ? "\n" : "   ");
  }

 private:
  const bool shown_;
  const std::chrono::steady_clock::time_point start_ =
      std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

struct Contents {
  BackupHeader header;
  uint64_t bytes = 0;  // of the files whose bytes are in it
  std::vector<BackupFileHeader> files;
  uint64_t files_in_base = 0;
  std::string digest;  // of the whole file
};

// Reads `path` whole, checking every checksum.
absl::StatusOr<Contents> ReadBackup(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path);
  BackupArchiveReader reader(in);
  Contents contents;
  absl::StatusOr<BackupHeader> header = reader.ReadHeader();
  if (!header.ok()) return header.status();
  contents.header = std::move(*header);
  BackupFileHeader file;
  while (true) {
    absl::StatusOr<bool> more = reader.NextFile(
        &file, [](std::string_view) { return absl::OkStatus(); });
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (file.in_base) {
      ++contents.files_in_base;
    } else {
      contents.bytes += file.size;
    }
    contents.files.push_back(file);
  }
  contents.digest = reader.digest();
  return contents;
}

// The request of a backup: incremental on --incremental-from BASE.
absl::StatusOr<v1::BackupRequest> RequestFor(const Args& args) {
  v1::BackupRequest request;
  const std::optional<std::string> base = args.Flag("incremental-from");
  if (!base) return request;
  absl::StatusOr<Contents> contents = ReadBackup(*base);
  if (!contents.ok()) {
    return absl::Status(
        contents.status().code(),
        "--incremental-from: " + std::string(contents.status().message()));
  }
  for (const BackupFileHeader& file : contents->files) {
    v1::BackupBaseFile* entry = request.add_base_files();
    entry->set_path(file.path);
    entry->set_size(file.size);
    entry->set_sha256(file.sha256);
  }
  request.set_base_digest(contents->digest);
  request.set_base_revision(contents->header.revision);
  return request;
}

absl::Status Save(client::Client& client, const std::string& path,
                  const Args& args) {
  absl::StatusOr<v1::BackupRequest> request = RequestFor(args);
  if (!request.ok()) return request.status();
  const std::string partial = path + ".part";
  // Owner-only from the start: it holds the whole database.
  const int created = open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (created < 0) {
    return absl::FailedPreconditionError("cannot create " + partial);
  }
  close(created);
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) return absl::FailedPreconditionError("cannot write " + partial);
  ByteProgress progress;
  uint64_t written = 0, total = 0;
  absl::Status status =
      client.Backup(*request, [&](const v1::BackupChunk& chunk) {
        if (chunk.total_bytes() != 0) total = chunk.total_bytes();
        out.write(chunk.data().data(),
                  static_cast<std::streamsize>(chunk.data().size()));
        written += chunk.data().size();
        progress.Update(written, std::max(total, written));
        return static_cast<bool>(out);
      });
  out.close();
  if (status.ok() && !out) {
    status = absl::FailedPreconditionError("cannot write " + partial);
  }
  // Read back before it takes the name: a file called FILE is whole.
  absl::StatusOr<Contents> contents =
      status.ok() ? ReadBackup(partial) : absl::StatusOr<Contents>(status);
  if (!contents.ok()) {
    std::remove(partial.c_str());
    return contents.status();
  }
  progress.Update(written, written, /*final=*/true);
  // Durable before it takes the name, and the name durable after.
  const int synced = open(partial.c_str(), O_RDONLY);
  const bool durable = synced >= 0 && fsync(synced) == 0;
  if (synced >= 0) close(synced);
  if (!durable) {
    std::remove(partial.c_str());
    return absl::FailedPreconditionError("cannot sync " + partial);
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    return absl::FailedPreconditionError("cannot rename " + partial);
  }
  const size_t slash = path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : path.substr(0, slash + 1);
  if (const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
      dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  if (args.output == OutputFormat::kTable) {
    std::printf(
        "saved %s: revision %llu, %zu files, %llu bytes\n", path.c_str(),
        static_cast<unsigned long long>(contents->header.revision),
        contents->files.size(), static_cast<unsigned long long>(written));
  } else {
    PrintDone(
        args.output, "snapshot save",
        {{"file", TextCell(path)},
         {"revision", U64Cell(contents->header.revision)},
         {"files", NumberCell(static_cast<int64_t>(contents->files.size()))},
         {"bytes", U64Cell(written)}});
  }
  return absl::OkStatus();
}

// The spaces ("space: NAME DIMS RECORDS"), edges and branches ("branch:
// NAME PARENT") of a backup's info.
struct Info {
  std::vector<std::string> spaces;  // JSON objects
  std::vector<std::string> space_lines;
  std::vector<std::string> branches;
  uint64_t edges = 0;
};

Info ParseInfo(const std::string& text) {
  Info info;
  std::istringstream lines(text);
  std::string key;
  while (lines >> key) {
    if (key == "space:") {
      std::string name;
      uint64_t dims = 0, records = 0;
      lines >> name >> dims >> records;
      info.spaces.push_back(
          absl::StrFormat("{\"name\":%s,\"dims\":%d,\"records\":\"%d\"}",
                          JsonString(name), dims, records));
      info.space_lines.push_back(
          absl::StrFormat("%s (%d-D, %d records)", name, dims, records));
    } else if (key == "edges:") {
      lines >> info.edges;
    } else if (key == "branch:") {
      std::string name, parent;
      lines >> name >> parent;
      info.branches.push_back(name);
    } else {
      std::getline(lines, key);  // a line of a later version: skipped
    }
  }
  return info;
}

absl::Status Status(const std::string& path, const Args& args) {
  absl::StatusOr<Contents> contents = ReadBackup(path);
  if (!contents.ok()) return contents.status();
  const BackupHeader& header = contents->header;
  const Info info = ParseInfo(header.info);
  std::string spaces_json = "[";
  for (size_t i = 0; i < info.spaces.size(); ++i) {
    spaces_json += (i > 0 ? "," : "") + info.spaces[i];
  }
  spaces_json += "]";
  std::string space_text;
  for (const std::string& line : info.space_lines) {
    space_text += (space_text.empty() ? "" : ", ") + line;
  }
  const std::vector<std::pair<std::string, Cell>> fields = {
      {"file", TextCell(path)},
      {"revision", U64Cell(header.revision)},
      {"node_id", NumberCell(header.node_id)},
      {"created", TimeCell(static_cast<int64_t>(header.created_unix_ms))},
      {"files", NumberCell(static_cast<int64_t>(contents->files.size()))},
      {"files_in_base", U64Cell(contents->files_in_base)},
      {"base_revision", header.base_digest.empty()
                            ? NullCell("- (a full backup)")
                            : U64Cell(header.base_revision)},
      {"bytes", U64Cell(contents->bytes)},
      {"spaces", JsonCell(space_text, spaces_json)},
      {"edges", U64Cell(info.edges)},
      {"branches", ListCell(info.branches)},
      {"checksums", TextCell("verified")}};
  if (args.output != OutputFormat::kTable) {
    PrintDone(args.output, "snapshot status", fields);
    return absl::OkStatus();
  }
  for (const auto& [name, cell] : fields) {
    std::printf("%-14s %s\n", name.c_str(), cell.text.c_str());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SnapshotCommand(client::Client& client, const Args& args) {
  absl::StatusOr<std::string> verb = Operand(args, 1, "save|status");
  if (!verb.ok()) return verb.status();
  absl::StatusOr<std::string> file = Operand(args, 2, "FILE");
  if (!file.ok()) return file.status();
  if (*verb == "save") return Save(client, *file, args);
  if (*verb == "status") return Status(*file, args);
  return Usage("snapshot: '" + *verb + "' is not save or status");
}

}  // namespace infinitedb::cli
