// IP address literals of untrusted text. inet_pton(3) reads a C string and stops at a NUL, so
// "192.0.2.1\0junk" would pass it; these read the whole text, which is an address or is not.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace webshield {

// The four octets of a dotted-quad IPv4 address, as inet_pton(AF_INET) accepts it.
std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text);

// The sixteen octets of an IPv6 address (RFC 4291 §2.2 text, no brackets, no zone), as
// inet_pton(AF_INET6) accepts it.
std::optional<std::array<std::uint8_t, 16>> parse_ipv6(std::string_view text);

// True when the text is an IPv4 or an IPv6 address.
bool is_ip_address(std::string_view text);

}  // namespace webshield
