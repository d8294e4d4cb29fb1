// The little the store needs from a database: run our own SQL text (migrations, transaction
// control) and run one statement with bound parameters, prepared once per connection. Two
// implementations, SQLite and PostgreSQL (libpq); everything above this line is shared, so both
// backends answer the same questions with the same SQL. Parameters are always bound, never
// spliced into SQL text: outside data never becomes SQL.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/store.hpp"

namespace webshield::store::detail {

enum class Dialect { sqlite, postgresql };

enum class Type { integer, text, blob, boolean };

// One bound parameter. The bytes are borrowed: they must outlive the query() call.
struct Param {
  Type type = Type::integer;
  bool null = false;
  std::int64_t integer = 0;
  std::string_view bytes;

  static Param of(std::int64_t v) { return {Type::integer, false, v, {}}; }
  static Param text(std::string_view s) { return {Type::text, false, 0, s}; }
  static Param blob(std::string_view s) { return {Type::blob, false, 0, s}; }
  static Param boolean(bool b) { return {Type::boolean, false, b ? 1 : 0, {}}; }
  static Param null_of(Type t) { return {t, true, 0, {}}; }
  static Param optional_text(const std::optional<std::string>& s) {
    return s ? text(std::string_view(*s)) : null_of(Type::text);
  }
  static Param optional_of(const std::optional<std::int64_t>& v) {
    return v ? of(*v) : null_of(Type::integer);
  }
  static Param optional_boolean(const std::optional<bool>& b) {
    return b ? boolean(*b) : null_of(Type::boolean);
  }
};

// One value read back: NULL, an integer (integers and booleans) or bytes (text and blobs).
struct Cell {
  bool null = true;
  std::int64_t integer = 0;
  std::string bytes;
};

// A whole result, row by row.
class Rows {
 public:
  explicit Rows(std::size_t columns = 0) : columns_(columns) {}

  std::size_t size() const { return columns_ == 0 ? 0 : cells_.size() / columns_; }
  bool empty() const { return size() == 0; }
  std::size_t columns() const { return columns_; }

  const Cell& at(std::size_t row, std::size_t column) const {
    return cells_.at(row * columns_ + column);
  }
  std::int64_t integer(std::size_t row, std::size_t column) const {
    return at(row, column).integer;
  }
  std::string text(std::size_t row, std::size_t column) const { return at(row, column).bytes; }
  std::optional<std::string> optional_text(std::size_t row, std::size_t column) const {
    const Cell& c = at(row, column);
    return c.null ? std::nullopt : std::optional<std::string>(c.bytes);
  }
  std::optional<std::int64_t> optional_integer(std::size_t row, std::size_t column) const {
    const Cell& c = at(row, column);
    return c.null ? std::nullopt : std::optional<std::int64_t>(c.integer);
  }

  void push(Cell cell) { cells_.push_back(std::move(cell)); }

 private:
  std::size_t columns_;
  std::vector<Cell> cells_;
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;

  // Runs our own SQL text, which may hold several statements (a migration, BEGIN, COMMIT).
  virtual Result<void> execute(std::string_view sql) = 0;

  // Runs one statement with bound parameters; SQL placeholders are $1, $2, … in both
  // dialects. Each distinct SQL text is prepared once per connection and kept.
  virtual Result<Rows> run(std::string_view sql, std::span<const Param> params) = 0;

  // Store::defer_sync for this connection.
  virtual Result<std::unique_ptr<CommitSync>> defer_sync() = 0;

  // Whether the last error was a conflict between concurrent transactions (deadlock,
  // serialisation failure) after which running the whole transaction again may succeed.
  virtual bool last_error_retryable() const = 0;

  Result<Rows> query(std::string_view sql, std::span<const Param> params) {
    return run(sql, params);
  }
  Result<Rows> query(std::string_view sql, std::initializer_list<Param> params = {}) {
    return run(sql, std::span<const Param>(params.begin(), params.size()));
  }
};

// "sqlite:PATH" or a bare path, "postgresql://…" or "postgres://…". No migration here.
Result<std::unique_ptr<Connection>> connect(std::string_view url);

Result<std::unique_ptr<Connection>> connect_sqlite(const std::string& path);
Result<std::unique_ptr<Connection>> connect_postgresql(const std::string& url);

}  // namespace webshield::store::detail
