// What the commands on stored reports share (`db`, `summary`, `reports`, `quarantine`): the
// --db option and opening the store, the --domain/--since/--until selection, and the plain
// text tables, JSON and CSV they print. Text from reports is untrusted: control characters
// never reach the terminal.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/selection.hpp"
#include "store/store.hpp"

namespace webshield::cli {

// Exit status when the database cannot be opened or a query fails.
constexpr int kExitDatabase = 1;
// Exit status when the report or quarantined item asked for does not exist.
constexpr int kExitNotFound = 2;

struct DbArgs {
  std::string url;  // empty: store::default_url()
};

void add_db_option(CLI::App& cmd, DbArgs& args);

// Opens the store; on failure prints "webshield: cannot open URL: why" (password masked),
// sets `status` to kExitDatabase and returns null.
std::unique_ptr<store::Store> open_store(const DbArgs& args, int& status);

// The value of a store call; on failure prints "webshield: why", sets `status` to
// kExitDatabase and returns nothing.
template <class T>
std::optional<T> stored_value(Result<T> result, int& status) {
  if (result) return std::move(*result);
  std::cerr << "webshield: " << result.error().describe() << '\n';
  status = kExitDatabase;
  return std::nullopt;
}

struct SelectionArgs {
  std::string domain;
  std::string since;
  std::string until;
};

void add_selection_options(CLI::App& cmd, SelectionArgs& args, bool with_until);

Result<store::Selection> selection_from(const SelectionArgs& args, UnixSeconds now);

// Untrusted text for a terminal: control characters (C0, DEL, C1) shown as '?'.
std::string terminal_safe(std::string_view s);

// "2024-09-15T00:00:00Z"
std::string when(UnixSeconds t);

// A plain text table: columns separated by two spaces, numbers right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header, std::vector<bool> right_aligned);
  void add(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  void print(std::ostream& out, std::string_view indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view s);

// One line of JSON; invalid UTF-8 (never expected: the store keeps text clean) is replaced.
std::string json_line(const nlohmann::json& j);

}  // namespace webshield::cli
