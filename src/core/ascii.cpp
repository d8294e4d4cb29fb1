#include "core/ascii.hpp"

#include <fmt/format.h>

namespace webshield::ascii {

std::string printable(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    if (is_vchar(c) || c == ' ') {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

}  // namespace webshield::ascii
