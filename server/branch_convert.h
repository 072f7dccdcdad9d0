// Translations between the Branches service's messages and the engine's
// branch types (engine/public/branches.h).
#ifndef INFINITEDB_SERVER_BRANCH_CONVERT_H_
#define INFINITEDB_SERVER_BRANCH_CONVERT_H_

#include "absl/status/statusor.h"
#include "engine/public/engine.h"
#include "infinitedb/v1/branches.pb.h"

namespace infinitedb::server {

void ToProto(const BranchInfo& branch, v1::Branch* out);
void ToProto(const BranchAt& side, v1::BranchAt* out);
void ToProto(const DiffEntry& entry, v1::DiffEntry* out);
void ToProto(const MergeConflict& conflict, v1::MergeConflict* out);
void ToProto(const MergeResult& result, v1::MergeResponse* out);
BranchAt BranchAtFrom(const v1::BranchAt& side);
absl::StatusOr<DiffRequest> DiffRequestFrom(const v1::DiffRequest& request);
absl::StatusOr<MergeRequest> MergeRequestFrom(const v1::MergeRequest& request);
absl::StatusOr<ResolveRequest> ResolveRequestFrom(
    const v1::ResolveConflictRequest& request);

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_BRANCH_CONVERT_H_
