#include "engine/public/backup_archive.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"

namespace infinitedb {
namespace {

constexpr char kMagic[] = "INFDBBK1";
constexpr char kTrailerMagic[] = "INFDBEND";
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kDigestBytes = 32;
constexpr uint32_t kInfoBytesMax = 1 << 20;
constexpr size_t kPiece = 1 << 20;

// An incremental SHA-256.
class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(context_, EVP_sha256(), nullptr);
  }
  ~Sha256() { EVP_MD_CTX_free(context_); }
  void Add(std::string_view bytes) {
    EVP_DigestUpdate(context_, bytes.data(), bytes.size());
  }
  // The digest so far (the hash goes on).
  std::string Digest() const {
    EVP_MD_CTX* copy = EVP_MD_CTX_new();
    EVP_MD_CTX_copy_ex(copy, context_);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(copy, digest, &length);
    EVP_MD_CTX_free(copy);
    return std::string(reinterpret_cast<char*>(digest), length);
  }
  void Reset() { EVP_DigestInit_ex(context_, EVP_sha256(), nullptr); }

 private:
  EVP_MD_CTX* context_;
};

template <typename T>
void Put(std::string& out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) {
    out.push_back(
        static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xff));
  }
}

template <typename T>
T Get(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i]))
             << (8 * i);
  }
  return static_cast<T>(value);
}

// A file entry's path, kind (0: bytes follow; 1: in the base) and size.
std::string EntryHeader(const BackupFileHeader& file, uint8_t kind) {
  std::string out;
  Put<uint16_t>(out, static_cast<uint16_t>(file.path.size()));
  out += file.path;
  out.push_back(static_cast<char>(kind));
  Put<uint64_t>(out, file.size);
  return out;
}

absl::Status Damaged(const std::string& what) {
  return absl::DataLossError("the backup is damaged: " + what);
}

}  // namespace

absl::Status CheckBackupPath(std::string_view path) {
  if (path.empty() || path.front() == '/') {
    return absl::InvalidArgumentError(
        absl::StrFormat("path '%s' is not relative", path));
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return absl::InvalidArgumentError(
          absl::StrFormat("path '%s' leaves the data directory", path));
    }
    start = end + 1;
  }
  return absl::OkStatus();
}

struct BackupArchiveWriter::State {
  std::function<bool(std::string_view)> sink;
  Sha256 whole;
  Sha256 file;
  uint32_t files_expected = 0;
  uint32_t files_written = 0;
  uint64_t file_left = 0;
  uint64_t total_bytes = 0;
  bool in_file = false;

  absl::Status Emit(std::string_view bytes, bool hashed_in_file) {
    whole.Add(bytes);
    if (hashed_in_file) file.Add(bytes);
    if (!sink(bytes)) return absl::CancelledError("the backup's reader left");
    return absl::OkStatus();
  }
};

BackupArchiveWriter::BackupArchiveWriter(
    std::function<bool(std::string_view)> sink)
    : state_(std::make_unique<State>()) {
  state_->sink = std::move(sink);
}
BackupArchiveWriter::~BackupArchiveWriter() = default;

absl::Status BackupArchiveWriter::Begin(const BackupHeader& header) {
  std::string out(kMagic, 8);
  Put<uint32_t>(out, kFormatVersion);
  Put<uint32_t>(out, header.file_count);
  Put<uint64_t>(out, header.revision);
  Put<uint32_t>(out, header.node_id);
  Put<uint64_t>(out, header.created_unix_ms);
  Put<uint64_t>(out, header.base_revision);
  if (!header.base_digest.empty() &&
      header.base_digest.size() != kDigestBytes) {
    return absl::InvalidArgumentError("backup: a base digest is 32 bytes");
  }
  out += header.base_digest.empty() ? std::string(kDigestBytes, '\0')
                                    : header.base_digest;
  Put<uint32_t>(out, static_cast<uint32_t>(header.info.size()));
  out += header.info;
  state_->files_expected = header.file_count;
  return state_->Emit(out, false);
}

absl::Status BackupArchiveWriter::BeginFile(const BackupFileHeader& file) {
  if (absl::Status s = CheckBackupPath(file.path); !s.ok()) return s;
  if (state_->in_file || state_->files_written == state_->files_expected) {
    return absl::FailedPreconditionError("backup: one file too many");
  }
  state_->in_file = true;
  state_->file_left = file.size;
  state_->file.Reset();
  return state_->Emit(EntryHeader(file, 0), false);
}

absl::Status BackupArchiveWriter::AddBaseFile(const BackupFileHeader& file) {
  if (absl::Status s = CheckBackupPath(file.path); !s.ok()) return s;
  if (state_->in_file || state_->files_written == state_->files_expected ||
      file.sha256.size() != kDigestBytes) {
    return absl::FailedPreconditionError("backup: a bad base file entry");
  }
  ++state_->files_written;
  return state_->Emit(EntryHeader(file, 1) + file.sha256, false);
}

absl::Status BackupArchiveWriter::Append(std::string_view bytes) {
  if (!state_->in_file || bytes.size() > state_->file_left) {
    return absl::FailedPreconditionError("backup: more bytes than the file");
  }
  state_->file_left -= bytes.size();
  state_->total_bytes += bytes.size();
  return state_->Emit(bytes, true);
}

absl::Status BackupArchiveWriter::EndFile() {
  if (!state_->in_file || state_->file_left != 0) {
    return absl::FailedPreconditionError("backup: a file cut short");
  }
  state_->in_file = false;
  ++state_->files_written;
  return state_->Emit(state_->file.Digest(), false);
}

absl::Status BackupArchiveWriter::Finish() {
  if (state_->in_file || state_->files_written != state_->files_expected) {
    return absl::FailedPreconditionError("backup: files missing");
  }
  // The digest covers every byte before the trailer.
  std::string out(kTrailerMagic, 8);
  Put<uint32_t>(out, state_->files_written);
  Put<uint64_t>(out, state_->total_bytes);
  out += state_->whole.Digest();
  if (!state_->sink(out)) {
    return absl::CancelledError("the backup's reader left");
  }
  return absl::OkStatus();
}

struct BackupArchiveReader::State {
  std::istream* in = nullptr;
  Sha256 whole;
  uint64_t offset = 0;
  uint32_t file_count = 0;
  uint32_t files_read = 0;
  uint64_t total_bytes = 0;
  std::string final_digest;

  // Exactly `size` bytes, hashed into `whole` (and `file`) unless raw.
  absl::StatusOr<std::string> Take(size_t size, const std::string& what,
                                   Sha256* file = nullptr, bool raw = false) {
    std::string bytes(size, '\0');
    in->read(bytes.data(), static_cast<std::streamsize>(size));
    if (static_cast<size_t>(in->gcount()) != size) {
      return Damaged(absl::StrFormat("it ends after %d bytes, inside %s",
                                     offset + in->gcount(), what));
    }
    offset += size;
    if (!raw) whole.Add(bytes);
    if (file != nullptr) file->Add(bytes);
    return bytes;
  }
};

BackupArchiveReader::BackupArchiveReader(std::istream& in)
    : state_(std::make_unique<State>()) {
  state_->in = &in;
}
BackupArchiveReader::~BackupArchiveReader() = default;

absl::StatusOr<BackupHeader> BackupArchiveReader::ReadHeader() {
  absl::StatusOr<std::string> fixed = state_->Take(80, "the header");
  if (!fixed.ok()) return fixed.status();
  if (fixed->compare(0, 8, kMagic) != 0) {
    return absl::DataLossError(
        "not an InfiniteDB backup (no INFDBBK1 at its start)");
  }
  std::string_view bytes = *fixed;
  const uint32_t version = Get<uint32_t>(bytes.substr(8));
  if (version != kFormatVersion) {
    return absl::DataLossError(
        absl::StrFormat("backup format version %d; this build reads version %d",
                        version, kFormatVersion));
  }
  BackupHeader header;
  header.file_count = Get<uint32_t>(bytes.substr(12));
  header.revision = Get<uint64_t>(bytes.substr(16));
  header.node_id = Get<uint32_t>(bytes.substr(24));
  header.created_unix_ms = Get<uint64_t>(bytes.substr(28));
  header.base_revision = Get<uint64_t>(bytes.substr(36));
  const std::string_view base_digest = bytes.substr(44, kDigestBytes);
  if (base_digest != std::string(kDigestBytes, '\0')) {
    header.base_digest = std::string(base_digest);
  }
  const uint32_t info_bytes = Get<uint32_t>(bytes.substr(76));
  if (info_bytes > kInfoBytesMax) return Damaged("its info is too long");
  absl::StatusOr<std::string> info = state_->Take(info_bytes, "the header");
  if (!info.ok()) return info.status();
  header.info = std::move(*info);
  state_->file_count = header.file_count;
  return header;
}

absl::StatusOr<bool> BackupArchiveReader::NextFile(
    BackupFileHeader* file,
    const std::function<absl::Status(std::string_view)>& on_data) {
  if (state_->files_read == state_->file_count) {
    const std::string expected = state_->whole.Digest();
    absl::StatusOr<std::string> trailer =
        state_->Take(20 + kDigestBytes, "the trailer", nullptr, true);
    if (!trailer.ok()) return trailer.status();
    std::string_view bytes = *trailer;
    if (bytes.substr(0, 8) != std::string_view(kTrailerMagic, 8) ||
        Get<uint32_t>(bytes.substr(8)) != state_->file_count ||
        Get<uint64_t>(bytes.substr(12)) != state_->total_bytes) {
      return Damaged("its trailer does not match its files");
    }
    if (bytes.substr(20) != expected) {
      return Damaged("the checksum of the whole does not match");
    }
    state_->final_digest = expected;
    if (state_->in->peek() != std::char_traits<char>::eof()) {
      return Damaged("bytes follow its trailer");
    }
    return false;
  }
  const std::string what = absl::StrFormat("file %d", state_->files_read + 1);
  absl::StatusOr<std::string> length = state_->Take(2, what);
  if (!length.ok()) return length.status();
  absl::StatusOr<std::string> path = state_->Take(Get<uint16_t>(*length), what);
  if (!path.ok()) return path.status();
  if (absl::Status s = CheckBackupPath(*path); !s.ok()) {
    return Damaged(std::string(s.message()));
  }
  absl::StatusOr<std::string> kind_and_size = state_->Take(9, *path);
  if (!kind_and_size.ok()) return kind_and_size.status();
  const uint8_t kind = static_cast<uint8_t>((*kind_and_size)[0]);
  if (kind > 1) return Damaged(*path + ": an unknown kind of file entry");
  file->path = std::move(*path);
  file->size = Get<uint64_t>(std::string_view(*kind_and_size).substr(1));
  file->in_base = kind == 1;
  file->data_offset = state_->offset;
  if (file->in_base) {
    absl::StatusOr<std::string> digest = state_->Take(kDigestBytes, file->path);
    if (!digest.ok()) return digest.status();
    file->sha256 = std::move(*digest);
    ++state_->files_read;
    return true;
  }
  Sha256 digest;
  for (uint64_t left = file->size; left > 0;) {
    const size_t piece = static_cast<size_t>(std::min<uint64_t>(left, kPiece));
    absl::StatusOr<std::string> bytes =
        state_->Take(piece, file->path, &digest);
    if (!bytes.ok()) return bytes.status();
    if (absl::Status s = on_data(*bytes); !s.ok()) return s;
    left -= piece;
  }
  state_->total_bytes += file->size;
  absl::StatusOr<std::string> stored = state_->Take(kDigestBytes, file->path);
  if (!stored.ok()) return stored.status();
  if (*stored != digest.Digest()) {
    return Damaged(file->path + ": its checksum does not match its bytes");
  }
  file->sha256 = std::move(*stored);
  ++state_->files_read;
  return true;
}

std::string BackupArchiveReader::digest() const { return state_->final_digest; }

struct BackupDigest::State {
  Sha256 hash;
};
BackupDigest::BackupDigest() : state_(std::make_unique<State>()) {}
BackupDigest::~BackupDigest() = default;
void BackupDigest::Add(std::string_view bytes) { state_->hash.Add(bytes); }
std::string BackupDigest::Finish() { return state_->hash.Digest(); }

}  // namespace infinitedb
