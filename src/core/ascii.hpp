// ASCII character classes and case folding, locale-independent (RFC 5234 core rules). Pure.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace webshield::ascii {

constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}
// VCHAR: visible characters %x21-7E.
constexpr bool is_vchar(char c) {
  return c >= 0x21 && c <= 0x7e;
}
constexpr bool is_ascii(char c) {
  return static_cast<unsigned char>(c) < 0x80;
}
constexpr char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), to_lower);
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size()
         && std::ranges::equal(a, b, [](char x, char y) { return to_lower(x) == to_lower(y); });
}

inline bool all_of(std::string_view s, bool (*pred)(char)) {
  return std::ranges::all_of(s, pred);
}

inline std::string_view trim_wsp(std::string_view s) {
  while (!s.empty() && is_wsp(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back()))
    s.remove_suffix(1);
  return s;
}

// The text shown for untrusted bytes in a message: printable ASCII kept, the rest escaped.
std::string printable(std::string_view s, std::size_t max = 80);

}  // namespace webshield::ascii
