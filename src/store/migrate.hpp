// Numbered SQL migrations (src/store/migrations/<dialect>/NNNN_name.sql, embedded at build
// time) and the runner that brings a database to the latest version at open. The version is
// kept in the table schema_version; a database newer than this program is refused.
#pragma once

#include <span>
#include <string_view>

#include "core/result.hpp"
#include "store/connection.hpp"

namespace webshield::store::detail {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Versions 1…N in order, the same versions for both dialects (checked at build time).
std::span<const Migration> migrations(Dialect dialect);

int latest_version();

// The version the database is at: 0 when it has no schema yet.
Result<int> current_version(Connection& conn);

// Applies what is pending in one transaction and returns the version reached. On PostgreSQL
// an advisory lock makes a second process that opens the same database at the same moment
// wait, then find the work done.
Result<int> migrate(Connection& conn);

}  // namespace webshield::store::detail
