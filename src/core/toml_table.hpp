// Reading one table of a TOML configuration file (`webshield serve`'s settings, the alert
// rules): typed values, errors that name the file and line, and no key that nobody asked for.
// Header-only, for the targets that link tomlplusplus (server, analyze); core itself does not.
#pragma once

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/result.hpp"

namespace webshield::toml_config {

// "FILE:LINE" of a node.
inline std::string where(const toml::node& node, std::string_view file) {
  return fmt::format("{}:{}", file, node.source().begin.line);
}

// The whole document, or the parser's message at FILE:LINE:COLUMN.
inline Result<toml::table> parse(std::string_view text, std::string_view file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return fail(std::string(e.description()),
                fmt::format("{}:{}:{}", file, e.source().begin.line, e.source().begin.column));
  }
}

// The text of a configuration file.
inline Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read the configuration file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Reads the keys of one table; `prefix` ("server.", "notify[2].") names them in messages.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix, std::string_view file)
      : table_(table), prefix_(std::move(prefix)), file_(file) {}

  // Reads `key` into `out` when present; the first wrong value is kept for finish().
  // bool, std::string, double (0 or more), whole numbers (0 or more), and
  // std::vector<std::string> (an array of strings, or one string).
  template <class T>
  void read(std::string_view key, T& out) {
    known_.insert(std::string(key));
    const toml::node* node = table_.get(key);
    if (node == nullptr || error_) return;
    if (auto r = convert(*node, key, out); !r) error_ = r.error();
  }

  // After every read: the first wrong value, or a key nobody asked for (a typo).
  Result<void> finish() {
    if (error_) return std::unexpected(*error_);
    for (const auto& [key, node] : table_) {
      const std::string name(key.str());
      if (!known_.contains(name))
        return fail(fmt::format("unknown key {}{}", prefix_, name), where(node, file_));
    }
    return {};
  }

  // An error about `key` (or the table, when the key is absent) in the file's words.
  std::unexpected<Error> refuse(std::string_view key, std::string_view why) const {
    const toml::node* node = table_.get(key);
    return fail(fmt::format("{}{} {}", prefix_, key, why),
                node != nullptr ? where(*node, file_) : where(table_, file_));
  }

 private:
  template <class T>
  Result<void> convert(const toml::node& node, std::string_view key, T& out) {
    if constexpr (std::is_same_v<T, bool>) {
      if (auto v = node.value<bool>()) {
        out = *v;
        return {};
      }
      return wrong(node, key, "true or false");
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (auto v = node.value<std::string>()) {
        out = *v;
        return {};
      }
      return wrong(node, key, "a string");
    } else if constexpr (std::is_same_v<T, double>) {
      if (auto v = node.value<double>(); v && *v >= 0) {
        out = *v;
        return {};
      }
      return wrong(node, key, "a number, 0 or more");
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      out.clear();
      if (auto v = node.value<std::string>()) {
        out.push_back(*v);
        return {};
      }
      const toml::array* array = node.as_array();
      if (array == nullptr) return wrong(node, key, "a string or an array of strings");
      for (const toml::node& item : *array) {
        auto v = item.value<std::string>();
        if (!v) return wrong(item, key, "a string or an array of strings");
        out.push_back(*v);
      }
      return {};
    } else {
      static_assert(std::is_integral_v<T>, "no reader for this type");
      auto v = node.value<std::int64_t>();
      if (!v || *v < 0
          || static_cast<std::uint64_t>(*v)
                 > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
        return wrong(node, key,
                     fmt::format("a whole number from 0 to {}", std::numeric_limits<T>::max()));
      out = static_cast<T>(*v);
      return {};
    }
  }

  Result<void> wrong(const toml::node& node, std::string_view key, std::string_view expected) {
    return fail(fmt::format("{}{} must be {}", prefix_, key, expected), where(node, file_));
  }

  const toml::table& table_;
  std::string prefix_;
  std::string file_;
  std::set<std::string> known_;
  std::optional<Error> error_;
};

}  // namespace webshield::toml_config
