// Opening a store by URL: "sqlite:PATH" or a bare path, "postgresql://…" or "postgres://…"
// (libpq's URI syntax). Migrations run at open. Messages name the URL with its password masked.
#include "store/store.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "store/connection.hpp"
#include "store/migrate.hpp"
#include "store/sql_store.hpp"

namespace webshield::store {
namespace {

bool is_postgresql(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::string home_directory() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
  if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_dir != nullptr)
    return pw->pw_dir;
  return ".";
}

}  // namespace

namespace detail {

Result<std::unique_ptr<Connection>> connect(std::string_view url) {
  if (is_postgresql(url)) return connect_postgresql(std::string(url));
  if (url.starts_with("sqlite:")) return connect_sqlite(std::string(url.substr(7)));
  if (url.find("://") != std::string_view::npos) {
    return fail("unknown kind of database (use sqlite:PATH, postgresql://… or a file name)");
  }
  return connect_sqlite(std::string(url));
}

}  // namespace detail

Result<std::unique_ptr<Store>> open(std::string_view url) {
  const std::string where = redact_url(url);
  auto conn = detail::connect(url);
  if (!conn) return fail(conn.error().message, where);
  auto version = detail::migrate(**conn);
  if (!version) return fail(version.error().describe(), where);
  return detail::make_sql_store(std::move(*conn));
}

std::string default_url() {
  std::filesystem::path base;
  // XDG Base Directory: a relative $XDG_DATA_HOME is invalid and ignored.
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && xdg[0] == '/') {
    base = xdg;
  } else {
    base = std::filesystem::path(home_directory()) / ".local" / "share";
  }
  const std::filesystem::path dir = base / "webshield";
  std::error_code ignored;  // if it fails, opening the database says why
  std::filesystem::create_directories(dir, ignored);
  return "sqlite:" + (dir / "webshield.db").string();
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  if (!is_postgresql(url)) return out;
  // postgresql://user:PASSWORD@host…: the user information ends at the last '@' before the
  // path, the query or the fragment.
  const std::size_t start = out.find("://") + 3;
  const std::size_t end = std::min(out.find_first_of("/?#", start), out.size());
  const std::size_t at = out.rfind('@', end);
  if (at != std::string::npos && at >= start) {
    const std::size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // …?password=PASSWORD&…
  for (std::size_t pos = out.find('?'); pos != std::string::npos; pos = out.find('&', pos + 1)) {
    if (out.compare(pos + 1, 9, "password=") != 0) continue;
    const std::size_t value = pos + 10;
    const std::size_t value_end = std::min(out.find_first_of("&#", value), out.size());
    out.replace(value, value_end - value, "***");
  }
  return out;
}

int latest_schema_version() {
  return detail::latest_version();
}

}  // namespace webshield::store
