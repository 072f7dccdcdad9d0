// EngineImpl's access-control records (replication/auth_records.h): puts
// and deletes in the streamed system space __auth on main, and a scan of
// the newest record of every key.
#include "absl/strings/str_format.h"
#include "engine/db/engine_impl.h"
#include "engine/replication/auth_records.h"

namespace infinitedb {
namespace {

absl::Status CheckAuthKey(std::string_view key) {
  if (key.empty() || key.size() > replication::kMaxAuthKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("key: %d bytes; an access-control key has 1 to %d",
                        key.size(), replication::kMaxAuthKeyBytes));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status EngineImpl::CheckAuthAddressFree(std::string_view key,
                                              const Point& point) {
  absl::StatusOr<std::unique_ptr<graph::SpaceSnapshot>> snapshot =
      graph_store_.OpenSnapshot({std::string(kMainBranch), 0}, kAuthSpace);
  if (!snapshot.ok()) return snapshot.status();
  absl::StatusOr<std::optional<Record>> stored = (*snapshot)->Get(point);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return absl::OkStatus();
  absl::StatusOr<replication::AuthRecord> record =
      replication::DecodeAuthRecord((*stored)->value, "__auth record");
  if (!record.ok()) return absl::DataLossError(record.status().message());
  if (record->key != key) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "key: '%s' has the address of the stored key '%s'; choose another "
        "name",
        key, record->key));
  }
  return absl::OkStatus();
}

absl::StatusOr<CommitStamp> EngineImpl::PutAuthRecord(
    std::string_view key, std::string_view payload) {
  if (absl::Status s = CheckAuthKey(key); !s.ok()) return s;
  const Point point = replication::AuthRecordPoint(key);
  if (absl::Status s = CheckAuthAddressFree(key, point); !s.ok()) return s;
  const std::string value = replication::EncodeAuthRecord(key, payload);
  MutationView put{Mutation::Kind::kPut, kAuthSpace, &point, value};
  return graph_store_.Commit(kMainBranch, std::span(&put, 1), "auth");
}

absl::StatusOr<CommitStamp> EngineImpl::DeleteAuthRecord(std::string_view key) {
  if (absl::Status s = CheckAuthKey(key); !s.ok()) return s;
  const Point point = replication::AuthRecordPoint(key);
  if (absl::Status s = CheckAuthAddressFree(key, point); !s.ok()) return s;
  MutationView erase{Mutation::Kind::kDelete, kAuthSpace, &point, {}};
  return graph_store_.Commit(kMainBranch, std::span(&erase, 1), "auth");
}

absl::StatusOr<std::map<std::string, std::string>> EngineImpl::AuthRecords() {
  absl::StatusOr<std::unique_ptr<graph::SpaceSnapshot>> snapshot =
      graph_store_.OpenSnapshot({std::string(kMainBranch), 0}, kAuthSpace);
  if (!snapshot.ok()) return snapshot.status();
  std::map<std::string, std::string> records;
  Box all{Point(replication::kAuthDims, 0),
          Point(replication::kAuthDims, UINT32_MAX)};
  absl::Status corrupt;
  absl::Status status = (*snapshot)->Scan(all, [&](const RecordView& view) {
    absl::StatusOr<replication::AuthRecord> record =
        replication::DecodeAuthRecord(view.value, "__auth record");
    if (!record.ok()) {
      corrupt = absl::DataLossError(record.status().message());
      return false;
    }
    records[record->key] = std::move(record->payload);
    return true;
  });
  if (!corrupt.ok()) return corrupt;
  if (!status.ok()) return status;
  return records;
}

}  // namespace infinitedb
