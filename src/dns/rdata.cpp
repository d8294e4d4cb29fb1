#include "dns/rdata.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>

#include "core/ascii.hpp"

namespace webshield::dns {
namespace {

std::uint8_t byte(std::string_view s, std::size_t i) {
  return static_cast<std::uint8_t>(s[i]);
}

}  // namespace

Result<std::string> decode_name(std::string_view wire) {
  std::string name;
  std::size_t i = 0;
  while (true) {
    if (i >= wire.size()) return fail("name runs past the end of the data");
    const std::uint8_t len = byte(wire, i);
    if (len == 0) break;
    if (len > 63) return fail(fmt::format("label length {} (compressed or invalid)", len));
    if (i + 1 + len > wire.size()) return fail("label runs past the end of the data");
    if (!name.empty()) name += '.';
    name += ascii::lower(wire.substr(i + 1, len));
    i += 1 + len;
    if (name.size() > 253) return fail("name longer than 253 octets");
  }
  if (i + 1 != wire.size()) return fail("bytes after the name");
  return name.empty() ? std::string(".") : name;
}

Result<std::vector<std::string>> decode_txt(std::string_view rdata) {
  std::vector<std::string> strings;
  std::size_t i = 0;
  while (i < rdata.size()) {
    const std::uint8_t len = byte(rdata, i);
    if (i + 1 + len > rdata.size()) return fail("character-string runs past the end");
    strings.emplace_back(rdata.substr(i + 1, len));
    i += 1 + len;
  }
  if (strings.empty()) return fail("empty TXT data");
  return strings;
}

Result<Mx> decode_mx(std::string_view rdata) {
  if (rdata.size() < 3) return fail("MX data too short");
  Mx mx;
  mx.preference = static_cast<std::uint16_t>(byte(rdata, 0) << 8 | byte(rdata, 1));
  auto name = decode_name(rdata.substr(2));
  if (!name) return std::unexpected(name.error());
  mx.exchange = std::move(*name);
  return mx;
}

Result<std::string> decode_address(std::string_view rdata) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  const int family = rdata.size() == 4 ? AF_INET : rdata.size() == 16 ? AF_INET6 : 0;
  if (family == 0) return fail(fmt::format("address of {} bytes", rdata.size()));
  if (inet_ntop(family, rdata.data(), text.data(), text.size()) == nullptr) {
    return fail("unprintable address");
  }
  return std::string(text.data());
}

Result<Tlsa> decode_tlsa(std::string_view rdata) {
  if (rdata.size() < 4) return fail("TLSA data too short");
  return Tlsa{byte(rdata, 0), byte(rdata, 1), byte(rdata, 2), std::string(rdata.substr(3))};
}

}  // namespace webshield::dns
