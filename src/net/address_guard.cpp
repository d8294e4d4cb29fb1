// The tables are IANA's IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and the RFCs
// that added to them), the IPv4 multicast block and the parts of the IPv6 address space that are
// not global unicast. The most specific block names the refusal. Pure, no I/O.
//
// Refused on purpose although the registries mark them globally reachable: the anycast
// addresses (192.0.0.9, 192.0.0.10, 2001:1::1 to ::3), AMT (192.52.193.0/24, 2001:3::/32),
// AS112 (192.31.196.0/24, 192.175.48.0/24, 2001:4:112::/48, 2620:4f:8000::/48), ORCHIDv2 and
// drone entity tags (2001:20::/28, 2001:30::/28, identifiers rather than locators) and the
// NAT64 prefix with a special-purpose IPv4 address in it. No policy, report or mail host lives
// there, and a public check has no reason to send anything to them.
#include "net/address_guard.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "core/ip_address.hpp"

namespace webshield::net {
namespace {

using V6 = std::array<std::uint8_t, 16>;

struct Block4 {
  std::uint32_t base;
  int length;
  std::string_view text;
  std::string_view name;
};

struct Block6 {
  V6 base;
  int length;
  std::string_view text;
  std::string_view name;
};

constexpr std::uint32_t v4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

// The leading 16-bit groups of an IPv6 address; the rest are zero.
constexpr V6 v6(std::initializer_list<std::uint16_t> groups) {
  V6 out{};
  std::size_t i = 0;
  for (std::uint16_t g : groups) {
    out[i++] = static_cast<std::uint8_t>(g >> 8);
    out[i++] = static_cast<std::uint8_t>(g & 0xff);
  }
  return out;
}

// IANA IPv4 Special-Purpose Address Registry, and 224.0.0.0/4 (IANA IPv4 Multicast Address Space).
constexpr Block4 kBlocks4[] = {
    {v4(0, 0, 0, 0), 8, "0.0.0.0/8", "this network"},
    {v4(0, 0, 0, 0), 32, "0.0.0.0/32", "this host on this network"},
    {v4(10, 0, 0, 0), 8, "10.0.0.0/8", "private-use"},
    {v4(100, 64, 0, 0), 10, "100.64.0.0/10", "shared address space"},
    {v4(127, 0, 0, 0), 8, "127.0.0.0/8", "loopback"},
    {v4(169, 254, 0, 0), 16, "169.254.0.0/16", "link-local"},
    {v4(172, 16, 0, 0), 12, "172.16.0.0/12", "private-use"},
    {v4(192, 0, 0, 0), 24, "192.0.0.0/24", "IETF protocol assignments"},
    {v4(192, 0, 0, 0), 29, "192.0.0.0/29", "IPv4 service continuity prefix"},
    {v4(192, 0, 0, 8), 32, "192.0.0.8/32", "IPv4 dummy address"},
    {v4(192, 0, 0, 9), 32, "192.0.0.9/32", "port control protocol anycast"},
    {v4(192, 0, 0, 10), 32, "192.0.0.10/32", "TURN anycast"},
    {v4(192, 0, 0, 170), 32, "192.0.0.170/32", "NAT64/DNS64 discovery"},
    {v4(192, 0, 0, 171), 32, "192.0.0.171/32", "NAT64/DNS64 discovery"},
    {v4(192, 0, 2, 0), 24, "192.0.2.0/24", "documentation (TEST-NET-1)"},
    {v4(192, 31, 196, 0), 24, "192.31.196.0/24", "AS112-v4"},
    {v4(192, 52, 193, 0), 24, "192.52.193.0/24", "AMT"},
    {v4(192, 88, 99, 0), 24, "192.88.99.0/24", "deprecated 6to4 relay anycast"},
    {v4(192, 168, 0, 0), 16, "192.168.0.0/16", "private-use"},
    {v4(192, 175, 48, 0), 24, "192.175.48.0/24", "direct delegation AS112 service"},
    {v4(198, 18, 0, 0), 15, "198.18.0.0/15", "benchmarking"},
    {v4(198, 51, 100, 0), 24, "198.51.100.0/24", "documentation (TEST-NET-2)"},
    {v4(203, 0, 113, 0), 24, "203.0.113.0/24", "documentation (TEST-NET-3)"},
    {v4(224, 0, 0, 0), 4, "224.0.0.0/4", "multicast"},
    {v4(240, 0, 0, 0), 4, "240.0.0.0/4", "reserved"},
    {v4(255, 255, 255, 255), 32, "255.255.255.255/32", "limited broadcast"},
};

// IANA IPv6 Special-Purpose Address Registry, and from the IANA IPv6 Address Space everything
// that is not global unicast 2000::/3. ::ffff:0:0/96, 64:ff9b::/96 and 2002::/16 are judged by
// the IPv4 address they carry (see `embedded`), before this table.
constexpr std::string_view kReserved = "reserved by the IETF, not global unicast";
constexpr Block6 kBlocks6[] = {
    {v6({0, 0, 0, 0, 0, 0, 0, 0}), 128, "::/128", "unspecified"},
    {v6({0, 0, 0, 0, 0, 0, 0, 1}), 128, "::1/128", "loopback"},
    {v6({0x64, 0xff9b, 1}), 48, "64:ff9b:1::/48", "IPv4-IPv6 translation, local use"},
    {v6({0x100}), 64, "100::/64", "discard-only"},
    {v6({0x100, 0, 0, 1}), 64, "100:0:0:1::/64", "dummy IPv6 prefix"},
    {v6({0x2001}), 23, "2001::/23", "IETF protocol assignments"},
    {v6({0x2001}), 32, "2001::/32", "Teredo"},
    {v6({0x2001, 1, 0, 0, 0, 0, 0, 1}), 128, "2001:1::1/128", "port control protocol anycast"},
    {v6({0x2001, 1, 0, 0, 0, 0, 0, 2}), 128, "2001:1::2/128", "TURN anycast"},
    {v6({0x2001, 1, 0, 0, 0, 0, 0, 3}), 128, "2001:1::3/128",
     "DNS-SD service registration protocol anycast"},
    {v6({0x2001, 2}), 48, "2001:2::/48", "benchmarking"},
    {v6({0x2001, 3}), 32, "2001:3::/32", "AMT"},
    {v6({0x2001, 4, 0x112}), 48, "2001:4:112::/48", "AS112-v6"},
    {v6({0x2001, 0x10}), 28, "2001:10::/28", "deprecated ORCHID"},
    {v6({0x2001, 0x20}), 28, "2001:20::/28", "ORCHIDv2"},
    {v6({0x2001, 0x30}), 28, "2001:30::/28", "drone remote ID entity tags"},
    {v6({0x2001, 0xdb8}), 32, "2001:db8::/32", "documentation"},
    {v6({0x2620, 0x4f, 0x8000}), 48, "2620:4f:8000::/48", "direct delegation AS112 service"},
    {v6({0x3fff}), 20, "3fff::/20", "documentation"},
    {v6({0x5f00}), 16, "5f00::/16", "segment routing SIDs"},
    {v6({0xfc00}), 7, "fc00::/7", "unique-local"},
    {v6({0xfe80}), 10, "fe80::/10", "link-local"},
    {v6({0xfec0}), 10, "fec0::/10", "deprecated site-local"},
    {v6({0xff00}), 8, "ff00::/8", "multicast"},
    {v6({0x0000}), 8, "::/8", kReserved},
    {v6({0x0100}), 8, "100::/8", kReserved},
    {v6({0x0200}), 7, "200::/7", kReserved},
    {v6({0x0400}), 6, "400::/6", kReserved},
    {v6({0x0800}), 5, "800::/5", kReserved},
    {v6({0x1000}), 4, "1000::/4", kReserved},
    {v6({0x4000}), 3, "4000::/3", kReserved},
    {v6({0x6000}), 3, "6000::/3", kReserved},
    {v6({0x8000}), 3, "8000::/3", kReserved},
    {v6({0xa000}), 3, "a000::/3", kReserved},
    {v6({0xc000}), 3, "c000::/3", kReserved},
    {v6({0xe000}), 4, "e000::/4", kReserved},
    {v6({0xf000}), 5, "f000::/5", kReserved},
    {v6({0xf800}), 6, "f800::/6", kReserved},
    {v6({0xfe00}), 9, "fe00::/9", kReserved},
};

bool in_block(std::uint32_t address, const Block4& b) {
  return b.length == 0 || (address >> (32 - b.length)) == (b.base >> (32 - b.length));
}

bool starts_with_bits(const V6& address, const V6& prefix, int length) {
  const int whole = length / 8;
  for (int i = 0; i < whole; ++i) {
    if (address[i] != prefix[i]) return false;
  }
  const int rest = length % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (address[whole] & mask) == (prefix[whole] & mask);
}

// The most specific block holding the address, or nullptr.
template <class Block, class Address, class Match>
const Block* most_specific(std::span<const Block> blocks, const Address& address, Match match) {
  const Block* best = nullptr;
  for (const Block& b : blocks) {
    if (match(address, b) && (best == nullptr || b.length > best->length)) best = &b;
  }
  return best;
}

const Block4* find4(std::uint32_t address) {
  return most_specific<Block4>(kBlocks4, address, in_block);
}

const Block6* find6(const V6& address) {
  return most_specific<Block6>(kBlocks6, address, [](const V6& a, const Block6& b) {
    return starts_with_bits(a, b.base, b.length);
  });
}

// IPv6 prefixes that carry an IPv4 address at a fixed place.
struct Embedding {
  V6 prefix;
  int length;
  int offset;  // byte where the IPv4 address starts
  std::string_view name;
};

constexpr Embedding kEmbeddings[] = {
    // RFC 4291 §2.5.5.2: the IPv4 address as an IPv6 socket sees it.
    {v6({0, 0, 0, 0, 0, 0xffff}), 96, 12, "IPv4-mapped"},
    // RFC 6052 §2.1, §3.1: the well-known prefix never carries a non-global IPv4 address.
    {v6({0x64, 0xff9b}), 96, 12, "in NAT64 64:ff9b::/96"},
    // RFC 3056 §2: 2002:V4ADDR::/48.
    {v6({0x2002}), 16, 2, "in 6to4 2002::/16"},
};

std::string format6(const V6& address) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  inet_ntop(AF_INET6, address.data(), text.data(), text.size());
  return std::string(text.data());
}

std::optional<Refusal> judge4(std::uint32_t address) {
  const Block4* b = find4(address);
  if (b == nullptr) return std::nullopt;
  return Refusal{std::string(b->text), std::string(b->name)};
}

std::optional<Refusal> judge6(const V6& address) {
  for (const Embedding& e : kEmbeddings) {
    if (!starts_with_bits(address, e.prefix, e.length)) continue;
    const auto at = static_cast<std::size_t>(e.offset);
    const std::uint32_t inner = v4(address[at], address[at + 1], address[at + 2], address[at + 3]);
    const Block4* b = find4(inner);
    if (b == nullptr) return std::nullopt;
    V6 base = e.prefix;
    base[at] = static_cast<std::uint8_t>(b->base >> 24);
    base[at + 1] = static_cast<std::uint8_t>(b->base >> 16);
    base[at + 2] = static_cast<std::uint8_t>(b->base >> 8);
    base[at + 3] = static_cast<std::uint8_t>(b->base);
    return Refusal{fmt::format("{}/{}", format6(base), e.offset * 8 + b->length),
                   fmt::format("{}, {}", b->name, e.name)};
  }
  const Block6* b = find6(address);
  if (b == nullptr) return std::nullopt;
  return Refusal{std::string(b->text), std::string(b->name)};
}

// RFC 6874 §2: a zone is unreserved characters (and percent-encoding, which we do not need).
bool zone_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
         || c == '.' || c == '_' || c == '~';
}

constexpr std::size_t kMaxText = 96;  // a bracketed IPv6 address with a long zone

}  // namespace

std::optional<Refusal> special_purpose(std::string_view address) {
  const Refusal unparseable{"", "not an IP address"};
  if (address.size() > kMaxText) return unparseable;
  std::string_view text = address;
  const bool bracketed = text.starts_with('[');
  if (bracketed) {
    if (!text.ends_with(']')) return unparseable;
    text = text.substr(1, text.size() - 2);
  }
  const bool ipv6 = text.find(':') != std::string_view::npos;
  if (bracketed && !ipv6) return unparseable;
  if (const auto percent = text.find('%'); percent != std::string_view::npos) {
    // A zone names the link of a link-local address; the address alone decides (RFC 4007 §11).
    const std::string_view zone = text.substr(percent + 1);
    if (!ipv6 || zone.empty() || !std::ranges::all_of(zone, zone_char)) return unparseable;
    text = text.substr(0, percent);
  }
  if (ipv6) {
    const auto bytes = parse_ipv6(text);
    if (!bytes) return unparseable;
    return judge6(*bytes);
  }
  const auto bytes = parse_ipv4(text);
  if (!bytes) return unparseable;
  const auto& b = *bytes;
  return judge4(v4(b[0], b[1], b[2], b[3]));
}

std::string to_string(const Refusal& refusal) {
  if (refusal.range.empty()) return refusal.name;
  return fmt::format("{} ({})", refusal.name, refusal.range);
}

}  // namespace webshield::net
