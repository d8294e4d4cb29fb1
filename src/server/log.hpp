// The server's log: one line per event on standard error, as text for people
// ("webshield: report stored id=12 client=192.0.2.1") or as JSON Lines for log collectors
// (`--log-format json`: {"time":…,"level":…,"event":…, fields}). Values from clients are
// escaped (text: printable ASCII only; JSON: its own escaping). Thread-safe.
#pragma once

#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace webshield::server {

class Log {
 public:
  enum class Format { text, json };
  enum class Level { info, warning, error };
  using Fields = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  explicit Log(Format format) : format_(format) {}

  void write(Level level, std::string_view event, Fields fields = {});
  void info(std::string_view event, Fields fields = {}) { write(Level::info, event, fields); }
  void warning(std::string_view event, Fields fields = {}) { write(Level::warning, event, fields); }
  void error(std::string_view event, Fields fields = {}) { write(Level::error, event, fields); }

 private:
  Format format_;
  std::mutex mutex_;
};

}  // namespace webshield::server
