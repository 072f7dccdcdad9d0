// The server's version string, reported by Admin.Status and --version.
#ifndef INFINITEDB_SERVER_VERSION_H_
#define INFINITEDB_SERVER_VERSION_H_

namespace infinitedb::server {

inline constexpr char kServerVersion[] = "0.1.0";

}  // namespace infinitedb::server

#endif  // INFINITEDB_SERVER_VERSION_H_
