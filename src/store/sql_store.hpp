// The Store on top of a Connection: one implementation, the same SQL text for SQLite and
// PostgreSQL, so both backends store, list and count alike.
#pragma once

#include <memory>

#include "store/connection.hpp"
#include "store/store.hpp"

namespace webshield::store::detail {

// `conn` is migrated already.
std::unique_ptr<Store> make_sql_store(std::unique_ptr<Connection> conn);

}  // namespace webshield::store::detail
