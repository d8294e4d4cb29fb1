// The migration runner: reads schema_version, refuses a newer database, applies the pending
// numbered migrations and records each, all in one transaction (DDL is transactional in both
// SQLite and PostgreSQL), so a failed migration leaves the database as it was.
#include "store/migrate.hpp"

#include <ctime>

namespace webshield::store::detail {
namespace {

// pg_advisory_xact_lock key shared by every WebShield process: "WSTORE" in ASCII.
constexpr std::int64_t kMigrationLock = 0x5753544f5245;

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

std::string_view table_exists_sql(Dialect d) {
  if (d == Dialect::sqlite)
    return "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'";
  return "SELECT COUNT(*) FROM information_schema.tables"
         " WHERE table_schema = current_schema() AND table_name = 'schema_version'";
}

Result<int> read_version(Connection& conn) {
  auto rows = conn.query("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!rows) return std::unexpected(rows.error());
  return static_cast<int>(rows->integer(0, 0));
}

std::unexpected<Error> too_new(int version) {
  return fail("the database's schema version " + std::to_string(version)
              + " is newer than this program knows (" + std::to_string(latest_version())
              + "): use a newer webshield");
}

}  // namespace

int latest_version() {
  return migrations(Dialect::sqlite).back().version;
}

Result<int> current_version(Connection& conn) {
  auto exists = conn.query(table_exists_sql(conn.dialect()));
  if (!exists) return std::unexpected(exists.error());
  if (exists->integer(0, 0) == 0) return 0;
  return read_version(conn);
}

Result<int> migrate(Connection& conn) {
  // Most opens find nothing to do: answer without taking a write lock.
  auto version = current_version(conn);
  if (!version) return std::unexpected(version.error());
  if (*version > latest_version()) return too_new(*version);
  if (*version == latest_version()) return *version;

  const bool sqlite = conn.dialect() == Dialect::sqlite;
  // BEGIN IMMEDIATE: SQLite takes the write lock now, so a second process waits here.
  if (auto r = conn.execute(sqlite ? "BEGIN IMMEDIATE" : "BEGIN"); !r)
    return std::unexpected(r.error());
  auto run = [&]() -> Result<int> {
    if (!sqlite) {
      auto lock =
          conn.query("SELECT 1 FROM pg_advisory_xact_lock($1)", {Param::of(kMigrationLock)});
      if (!lock) return std::unexpected(lock.error());
    }
    if (auto r = conn.execute(kCreateVersionTable); !r) return std::unexpected(r.error());
    // Read again under the lock: another process may have migrated meanwhile.
    auto now_at = read_version(conn);
    if (!now_at) return now_at;
    if (*now_at > latest_version()) return too_new(*now_at);
    for (const Migration& m : migrations(conn.dialect())) {
      if (m.version <= *now_at) continue;
      if (auto r = conn.execute(m.sql); !r) {
        return fail(r.error().describe(), "migration " + std::string(m.name));
      }
      auto recorded =
          conn.query("INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
                     {Param::of(m.version), Param::text(m.name),
                      Param::of(static_cast<std::int64_t>(std::time(nullptr)))});
      if (!recorded) return std::unexpected(recorded.error());
    }
    return latest_version();
  };
  auto reached = run();
  if (!reached) {
    (void)conn.execute("ROLLBACK");
    return reached;
  }
  if (auto r = conn.execute("COMMIT"); !r) {
    (void)conn.execute("ROLLBACK");
    return std::unexpected(r.error());
  }
  return reached;
}

}  // namespace webshield::store::detail
