// Which addresses a public service must not connect to: the blocks of IANA's IPv4 and IPv6
// Special-Purpose Address Registries (RFC 6890 and its successors), multicast, and every IPv6
// address outside global unicast 2000::/3 (IANA IPv6 Address Space). Addresses that carry an
// IPv4 address (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that address.
// Pure: the input is untrusted text, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace webshield::net {

// Why an address is refused: the registry block it falls in (the most specific one) and its
// name. For an address that carries an IPv4 address, the block is the IPv4 block as seen
// through the embedding ("::ffff:127.0.0.0/104"). For text that is not an address, `range` is
// empty.
struct Refusal {
  std::string range;  // "127.0.0.0/8"
  std::string name;   // "loopback"

  friend bool operator==(const Refusal&, const Refusal&) = default;
};

// nullopt: a public unicast address, fine to connect to. Accepts what inet_pton(3) accepts
// (dotted-quad IPv4 without leading zeros, RFC 4291 §2.2 IPv6 text), also in brackets
// ("[2001:db8::1]") and with an IPv6 zone ("fe80::1%eth0"); anything else is refused.
std::optional<Refusal> special_purpose(std::string_view address);

// "loopback (127.0.0.0/8)"; just the name when there is no range.
std::string to_string(const Refusal& refusal);

}  // namespace webshield::net
