// Log lines as text or JSON.
#include "server/log.hpp"

#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/ascii.hpp"
#include "core/time.hpp"

namespace webshield::server {
namespace {

std::string_view name(Log::Level level) {
  switch (level) {
    case Log::Level::info:
      return "info";
    case Log::Level::warning:
      return "warning";
    case Log::Level::error:
      return "error";
  }
  return "info";
}

}  // namespace

void Log::write(Level level, std::string_view event, Fields fields) {
  std::string line;
  if (format_ == Format::json) {
    nlohmann::json j = {
        {"time", format_utc(std::time(nullptr))}, {"level", name(level)}, {"event", event}};
    for (const auto& [key, value] : fields)
      j[std::string(key)] = value;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = "webshield: ";
    if (level != Level::info) line += fmt::format("{}: ", name(level));
    line += event;
    for (const auto& [key, value] : fields) {
      const std::string shown = ascii::printable(value, 200);
      const bool quote = shown.empty() || shown.find(' ') != std::string::npos;
      line += quote ? fmt::format(" {}=\"{}\"", key, shown) : fmt::format(" {}={}", key, shown);
    }
  }
  line += '\n';
  const std::lock_guard lock(mutex_);
  std::cerr << line << std::flush;
}

}  // namespace webshield::server
