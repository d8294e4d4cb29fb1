#include "core/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace webshield {
namespace {

// The longest IPv6 text inet_pton accepts ("ffff:…:ffff:255.255.255.255") is 45 characters.
constexpr std::size_t kLongestAddress = 45;

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> parse(int family, std::string_view text) {
  if (text.size() > kLongestAddress || text.find('\0') != std::string_view::npos) return {};
  std::array<char, kLongestAddress + 1> c_text{};
  std::ranges::copy(text, c_text.begin());
  std::array<std::uint8_t, N> bytes{};
  if (inet_pton(family, c_text.data(), bytes.data()) != 1) return {};
  return bytes;
}

}  // namespace

std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text) {
  return parse<4>(AF_INET, text);
}

std::optional<std::array<std::uint8_t, 16>> parse_ipv6(std::string_view text) {
  return parse<16>(AF_INET6, text);
}

bool is_ip_address(std::string_view text) {
  return parse_ipv4(text).has_value() || parse_ipv6(text).has_value();
}

}  // namespace webshield
