// DomainName: a DNS name in its canonical form (lower-case A-labels, no trailing dot), made
// from user or DNS text that may hold U-labels (IDNA2008 via libidn2). Untrusted input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace webshield {

class DomainName {
 public:
  // Accepts A-labels or U-labels, any case, one optional trailing dot. Labels are 1 to 63
  // octets of letters, digits, '-' (not first or last) and '_' (for names like _smtp._tls);
  // the whole name at most 253 octets.
  static Result<DomainName> parse(std::string_view text);

  const std::string& ascii() const { return ascii_; }
  // The name with A-labels shown as Unicode where they decode; the ASCII form otherwise.
  std::string unicode() const;
  std::vector<std::string_view> labels() const;

  bool operator==(const DomainName&) const = default;
  auto operator<=>(const DomainName&) const = default;

 private:
  explicit DomainName(std::string ascii) : ascii_(std::move(ascii)) {}
  std::string ascii_;
};

// RFC 5321 §4.1.2 `Domain`: LDH labels (letter or digit first and last), dot-separated, no
// trailing dot, ASCII only. This is the grammar of MTA-STS mx patterns and mailbox domains.
bool is_rfc5321_domain(std::string_view text);

// True for a dotted-quad IPv4 address (four decimal octets, each 0 to 255).
bool is_ipv4_literal(std::string_view text);

}  // namespace webshield
