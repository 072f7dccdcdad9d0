// infdb-server's log: every line on stderr (stdout carries only the
// "listening on" line), as text for people or, with --log_format=json, as
// JSON lines for log collectors:
//
//   {"time":"2026-12-03T14:06:11.376Z","level":"info","logger":"infdb-server",
//    "msg":"serving /data on 0.0.0.0:7070 (node 1, ...)"}
//
// time is UTC with milliseconds; level is trace, debug, info, warn, error
// or critical; msg is the line's text, escaped as a JSON string.
#ifndef INFINITEDB_SERVER_SERVER_LOG_H_
#define INFINITEDB_SERVER_SERVER_LOG_H_

#include <memory>
#include <string>

#include "spdlog/formatter.h"
#include "spdlog/logger.h"

namespace infinitedb::server {

// The audit logger's name: every authentication failure, permission denial
// and change to users, roles and grants is a line of it.
inline constexpr char kAuditLoggerName[] = "audit";

// Makes the default logger: stderr, the level, text or JSON lines.
void SetUpLogging(const std::string& level, bool json);

// The audit logger (the default one before SetUpLogging).
std::shared_ptr<spdlog::logger> AuditLog();

// The JSON lines formatter (exposed for tests).
std::unique_ptr<spdlog::formatter> NewJsonLogFormatter();

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_SERVER_LOG_H_
