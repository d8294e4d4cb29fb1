// SQLite connection: one database file in WAL mode with synchronous=FULL (a COMMIT is on disk
// when it returns; after defer_sync, once the CommitSync has run), a busy timeout so that several
// processes can share the file, foreign keys on. Statements are prepared once and kept; parameters
// are bound by name ($1, $2, …).
#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <unordered_map>

#include "store/connection.hpp"

namespace webshield::store::detail {
namespace {

// How long a writer waits for another process's transaction before giving up.
constexpr int kBusyTimeoutMs = 30'000;

struct StatementDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

class WalSync final : public CommitSync {
 public:
  WalSync(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~WalSync() override { ::close(fd_); }
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  Result<void> sync() override {
    if (::fdatasync(fd_) != 0)
      return fail(fmt::format("cannot sync {}: {}", path_, std::strerror(errno)), "sqlite");
    return {};
  }

 private:
  int fd_;
  std::string path_;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    statements_.clear();  // finalized before the close
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::sqlite; }

  Result<void> execute(std::string_view sql) override {
    const std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string why = message != nullptr ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      return fail(std::move(why), "sqlite");
    }
    return {};
  }

  Result<Rows> run(std::string_view sql, std::span<const Param> params) override {
    auto stmt = prepared(sql);
    if (!stmt) return std::unexpected(stmt.error());
    sqlite3_stmt* s = *stmt;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (static_cast<std::size_t>(sqlite3_bind_parameter_count(s)) != params.size()) {
      return fail("statement takes " + std::to_string(sqlite3_bind_parameter_count(s))
                      + " parameters, " + std::to_string(params.size()) + " given",
                  "sqlite");
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::array<char, 24> name{};  // "$1", "$2", …, without an allocation per parameter
      fmt::format_to_n(name.data(), name.size() - 1, "${}", i + 1);
      const int index = sqlite3_bind_parameter_index(s, name.data());
      if (index == 0)
        return fail(fmt::format("statement has no parameter {}", name.data()), "sqlite");
      if (bind(s, index, params[i]) != SQLITE_OK) return error();
    }
    Rows rows(static_cast<std::size_t>(sqlite3_column_count(s)));
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        auto e = error();
        sqlite3_reset(s);
        return e;
      }
      for (int c = 0; c < sqlite3_column_count(s); ++c)
        rows.push(cell(s, c));
    }
    sqlite3_reset(s);
    return rows;
  }

  // synchronous=NORMAL: a commit writes its frames to the WAL without waiting for the disk.
  // Our own descriptor of the WAL file then syncs them: fdatasync writes every page of the
  // file, whoever wrote it, and the WAL stays the same file while this connection is open
  // (SQLite deletes it only when the last connection closes). A checkpoint syncs the WAL
  // before it copies frames into the database file, and the database file before the WAL
  // is reused, so nothing committed is only in a part of the WAL that was overwritten.
  Result<std::unique_ptr<CommitSync>> defer_sync() override {
    const char* wal = sqlite3_filename_wal(sqlite3_db_filename(db_, "main"));
    if (wal == nullptr || *wal == '\0') return fail("an in-memory database has no WAL to sync");
    // A read makes sure that the WAL file exists.
    if (auto read = run("SELECT COUNT(*) FROM sqlite_master", {}); !read)
      return std::unexpected(read.error());
    const int fd = ::open(wal, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(fmt::format("cannot open {}: {}", wal, std::strerror(errno)));
    auto sync = std::make_unique<WalSync>(fd, wal);
    if (auto r = execute("PRAGMA synchronous = NORMAL"); !r) return std::unexpected(r.error());
    return std::unique_ptr<CommitSync>(std::move(sync));
  }

  bool last_error_retryable() const override { return false; }

 private:
  Result<sqlite3_stmt*> prepared(std::string_view sql) {
    const std::string key(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return it->second.get();
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT,
                           &s, nullptr)
        != SQLITE_OK) {
      return fail(std::string(sqlite3_errmsg(db_)) + " in: " + key, "sqlite");
    }
    statements_.emplace(key, Statement(s));
    return s;
  }

  static int bind(sqlite3_stmt* s, int index, const Param& p) {
    if (p.null) return sqlite3_bind_null(s, index);
    // A null pointer would bind NULL, not an empty string or an empty blob.
    const char* data = p.bytes.data() != nullptr ? p.bytes.data() : "";
    switch (p.type) {
      case Type::integer:
      case Type::boolean:
        return sqlite3_bind_int64(s, index, p.integer);
      case Type::text:
        return sqlite3_bind_text64(s, index, data, p.bytes.size(), SQLITE_STATIC, SQLITE_UTF8);
      case Type::blob:
        return sqlite3_bind_blob64(s, index, data, p.bytes.size(), SQLITE_STATIC);
    }
    return SQLITE_MISUSE;
  }

  static Cell cell(sqlite3_stmt* s, int c) {
    Cell out;
    switch (sqlite3_column_type(s, c)) {
      case SQLITE_NULL:
        break;
      case SQLITE_INTEGER:
        out.null = false;
        out.integer = sqlite3_column_int64(s, c);
        break;
      default: {  // text, blob (and floats, which we never store) as their bytes
        out.null = false;
        const void* data = sqlite3_column_blob(s, c);
        const int size = sqlite3_column_bytes(s, c);
        if (data != nullptr) out.bytes.assign(static_cast<const char*>(data), size);
        break;
      }
    }
    return out;
  }

  std::unexpected<Error> error() const {
    return fail(std::string(sqlite3_errmsg(db_)) + " ("
                    + sqlite3_errstr(sqlite3_extended_errcode(db_)) + ")",
                "sqlite");
  }

  sqlite3* db_;
  std::unordered_map<std::string, Statement> statements_;
};

}  // namespace

Result<std::unique_ptr<Connection>> connect_sqlite(const std::string& path) {
  if (path.empty()) return fail("no file name after 'sqlite:'");
  sqlite3* db = nullptr;
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string why = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return fail(std::move(why));
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // WAL: readers never block the writer; the mode is kept in the file.
  auto mode = conn->query("PRAGMA journal_mode = WAL");
  if (!mode) return std::unexpected(mode.error());
  if (mode->empty() || mode->text(0, 0) != "wal") {
    return fail("cannot switch to WAL mode (journal mode is '"
                + (mode->empty() ? std::string() : mode->text(0, 0)) + "')");
  }
  // FULL: the WAL is synced at every commit, so a stored report survives a power cut.
  // A checkpoint (copying the WAL into the database file, with two syncs) once the WAL holds
  // 16 MiB instead of SQLite's 4 MiB: a page changed by many commits in between is copied once,
  // and a busy writer stops for it a quarter as often. (64 MiB gained a little more throughput
  // but doubled the slowest answers: each stop is longer.) The file is cut back to 16 MiB after
  // a larger transaction.
  if (auto r = conn->execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                             " PRAGMA wal_autocheckpoint = 4096;"
                             " PRAGMA journal_size_limit = 16777216;");
      !r)
    return std::unexpected(r.error());
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace webshield::store::detail
