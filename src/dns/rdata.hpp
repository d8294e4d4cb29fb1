// Decoders for the RDATA of the record types the check reads (RFC 1035 §3.3, RFC 3596,
// RFC 6698 §2.1), from the uncompressed wire format a resolver hands over. Pure; untrusted
// input: every length is checked against the bytes present.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace webshield::dns {

enum RrType : std::uint16_t {
  kA = 1,
  kCname = 5,
  kMx = 15,
  kTxt = 16,
  kAaaa = 28,
  kTlsa = 52,
};

// A domain name in wire format (uncompressed labels) as lower-case text without the root dot;
// the root itself is ".".
Result<std::string> decode_name(std::string_view wire);

struct Mx {
  std::uint16_t preference = 0;
  std::string exchange;  // "." for a null MX (RFC 7505)

  bool operator==(const Mx&) const = default;
};

struct Tlsa {
  std::uint8_t usage = 0;
  std::uint8_t selector = 0;
  std::uint8_t matching_type = 0;
  std::string data;  // raw association data

  bool operator==(const Tlsa&) const = default;
};

Result<std::vector<std::string>> decode_txt(std::string_view rdata);  // character-strings
Result<Mx> decode_mx(std::string_view rdata);
Result<std::string> decode_address(std::string_view rdata);  // A or AAAA, as text
Result<Tlsa> decode_tlsa(std::string_view rdata);

}  // namespace webshield::dns
