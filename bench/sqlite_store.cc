// Peer: SQLite's R*Tree (rtree_i32) in WAL mode with synchronous=FULL, the
// values in an ordinary table joined by id; 256 MiB page cache.
#include <sqlite3.h>

#include "absl/strings/str_format.h"
#include "bench/spatial_store.h"
#include "bench/sqlite_exec.h"

namespace infinitedb::bench {
namespace {

class SqliteRtreeStore : public SpatialStore {
 public:
  ~SqliteRtreeStore() override { Close(); }
  std::string name() const override { return "sqlite-rtree"; }

  absl::Status Create(const std::string& dir, int dims) override {
    path_ = dir + "/points.db";
    dims_ = dims;
    if (absl::Status s = Open(); !s.ok()) return s;
    std::string columns;
    for (int i = 0; i < dims; ++i) {
      columns += absl::StrFormat(", min%d, max%d", i, i);
    }
    if (absl::Status s = Exec(absl::StrFormat(
            "CREATE VIRTUAL TABLE rt USING rtree_i32(id%s)", columns));
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            Exec("CREATE TABLE vals(id INTEGER PRIMARY KEY, v BLOB)");
        !s.ok()) {
      return s;
    }
    return Prepare();
  }

  absl::Status InsertBatch(std::span<const Point> points,
                           std::span<const std::string> values) override {
    if (absl::Status s = Exec("BEGIN"); !s.ok()) return s;
    for (size_t i = 0; i < points.size(); ++i) {
      int64_t id = ++last_id_;
      sqlite3_bind_int64(insert_rtree_, 1, id);
      for (int a = 0; a < dims_; ++a) {
        sqlite3_bind_int64(insert_rtree_, 2 + 2 * a, points[i][a]);
        sqlite3_bind_int64(insert_rtree_, 3 + 2 * a, points[i][a]);
      }
      if (sqlite3_step(insert_rtree_) != SQLITE_DONE) return Error("insert");
      sqlite3_reset(insert_rtree_);
      sqlite3_bind_int64(insert_value_, 1, id);
      sqlite3_bind_blob(insert_value_, 2, values[i].data(),
                        static_cast<int>(values[i].size()), SQLITE_STATIC);
      if (sqlite3_step(insert_value_) != SQLITE_DONE) return Error("insert");
      sqlite3_reset(insert_value_);
    }
    return Exec("COMMIT");
  }

  // No: this store is one connection, whose BEGIN ... COMMIT would
  // interleave between threads. Connections of their own would not help
  // either: SQLite admits one writer at a time (the others wait on its lock
  // with sleeps), so a mutex around one connection is the fastest way for
  // SQLite to take commits from many clients.
  bool concurrent_writes() const override { return false; }

  absl::Status Flush() override {
    return Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  absl::Status Reopen() override {
    Close();
    if (absl::Status s = Open(); !s.ok()) return s;
    return Prepare();
  }

  absl::StatusOr<uint64_t> QueryBox(const Box& box,
                                    std::vector<Point>* points) override {
    for (int a = 0; a < dims_; ++a) {
      sqlite3_bind_int64(query_, 1 + 2 * a, box.min[a]);
      sqlite3_bind_int64(query_, 2 + 2 * a, box.max[a]);
    }
    uint64_t count = 0;
    int rc;
    while ((rc = sqlite3_step(query_)) == SQLITE_ROW) {
      count += sqlite3_column_bytes(query_, dims_) > 0 ? 1 : 0;
      if (points != nullptr) {
        Point p(dims_);
        for (int a = 0; a < dims_; ++a) {
          p[a] = static_cast<uint32_t>(sqlite3_column_int64(query_, a));
        }
        points->push_back(std::move(p));
      }
    }
    sqlite3_reset(query_);
    if (rc != SQLITE_DONE) return Error("query");
    return count;
  }

 private:
  absl::Status Open() {
    if (sqlite3_open(path_.c_str(), &db_) != SQLITE_OK) return Error("open");
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
          "PRAGMA cache_size=-262144"}) {
      if (absl::Status s = Exec(pragma); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status Prepare() {
    std::string placeholders = "?";
    std::string where, select;
    for (int a = 0; a < dims_; ++a) {
      placeholders += ", ?, ?";
      if (a > 0) {
        where += " AND ";
        select += ", ";
      }
      where += absl::StrFormat("rt.min%d >= ? AND rt.max%d <= ?", a, a);
      select += absl::StrFormat("rt.min%d", a);
    }
    std::string sql[] = {
        absl::StrFormat("INSERT INTO rt VALUES(%s)", placeholders),
        "INSERT INTO vals VALUES(?, ?)",
        absl::StrFormat(
            "SELECT %s, vals.v FROM rt JOIN vals ON vals.id = rt.id WHERE %s",
            select, where)};
    sqlite3_stmt** statements[] = {&insert_rtree_, &insert_value_, &query_};
    for (int i = 0; i < 3; ++i) {
      if (sqlite3_prepare_v2(db_, sql[i].c_str(), -1, statements[i], nullptr) !=
          SQLITE_OK) {
        return Error("prepare");
      }
    }
    sqlite3_stmt* max_id;
    sqlite3_prepare_v2(db_, "SELECT COALESCE(MAX(id), 0) FROM vals", -1,
                       &max_id, nullptr);
    if (sqlite3_step(max_id) == SQLITE_ROW) {
      last_id_ = sqlite3_column_int64(max_id, 0);
    }
    sqlite3_finalize(max_id);
    return absl::OkStatus();
  }

  void Close() {
    for (sqlite3_stmt* s : {insert_rtree_, insert_value_, query_}) {
      if (s != nullptr) sqlite3_finalize(s);
    }
    insert_rtree_ = insert_value_ = query_ = nullptr;
    if (db_ != nullptr) sqlite3_close(db_);
    db_ = nullptr;
  }

  absl::Status Exec(const std::string& sql) { return SqliteExec(db_, sql); }

  absl::Status Error(const char* what) {
    return absl::InternalError(
        absl::StrFormat("sqlite %s: %s", what, sqlite3_errmsg(db_)));
  }

  std::string path_;
  int dims_ = 0;
  int64_t last_id_ = 0;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_rtree_ = nullptr;
  sqlite3_stmt* insert_value_ = nullptr;
  sqlite3_stmt* query_ = nullptr;
};

}  // namespace

std::unique_ptr<SpatialStore> NewSqliteRtreeStore() {
  return std::make_unique<SqliteRtreeStore>();
}

}  // namespace infinitedb::bench
