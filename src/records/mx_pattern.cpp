#include "records/mx_pattern.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/domain_name.hpp"
#include "core/ip_address.hpp"

namespace webshield::records {
namespace {

constexpr std::string_view kRef = "RFC 8461 §3.2";

std::string why_not_domain(std::string_view text) {
  const std::string_view inner =
      text.starts_with('[') && text.ends_with(']') ? text.substr(1, text.size() - 2) : text;
  if (parse_ipv6(inner)) {
    return "it is an IPv6 address: patterns match MX host names";
  }
  if (!std::ranges::all_of(text, ascii::is_ascii)) {
    return "it holds non-ASCII characters: write internationalised names as A-labels (xn--…)";
  }
  if (text.find_first_of(" \t,") != std::string_view::npos) {
    return "it holds several names or spaces: write one 'mx:' line per pattern";
  }
  if (text.find('*') != std::string_view::npos) {
    return "'*' is allowed only as the whole left-most label, followed by '.'";
  }
  if (text.ends_with('.')) return "it ends with '.': write the name without the trailing dot";
  const auto colon = text.rfind(':');
  if (colon != std::string_view::npos && colon + 1 < text.size()
      && ascii::all_of(text.substr(colon + 1), ascii::is_digit)) {
    return "a port is not allowed: senders always use port 25";
  }
  if (text.find('_') != std::string_view::npos) return "'_' is not allowed in a host name";
  return "it is not a host name (letters, digits and '-' in dot-separated labels)";
}

}  // namespace

MxPatternParse parse_mx_pattern(std::string_view text, std::string_view where) {
  MxPatternParse out;
  if (text.empty()) return out;
  const std::string prefix = where.empty() ? std::string() : std::string(where) + ": ";

  if (is_ipv4_literal(text)) {
    // Grammatically a domain (digits are letters-or-digits), but never an MX host name.
    out.kind = Recognized::yes;
    out.pattern = MxPattern{false, std::string(text)};
    out.findings.push_back(
        {"mta_sts.policy_mx_ip_literal", Severity::warning,
         fmt::format("{}mx pattern '{}' is an IP address: senders compare patterns with MX host "
                     "names, so it never matches",
                     prefix, ascii::printable(text)),
         std::string(kRef), std::string(text)});
    return out;
  }

  MxPattern pattern;
  std::string_view domain = text;
  if (domain.starts_with("*.")) {
    pattern.wildcard = true;
    domain.remove_prefix(2);
  }
  if (!is_rfc5321_domain(domain)) {
    out.kind = Recognized::malformed;
    out.findings.push_back({"mta_sts.policy_mx_invalid", Severity::error,
                            fmt::format("{}mx pattern '{}' is invalid: {}", prefix,
                                        ascii::printable(text), why_not_domain(domain)),
                            std::string(kRef), std::string(text)});
    return out;
  }
  pattern.domain = ascii::lower(domain);
  out.kind = Recognized::yes;
  out.pattern = std::move(pattern);
  return out;
}

bool matches(const MxPattern& pattern, std::string_view host) {
  auto name = DomainName::parse(host);
  if (!name) return false;
  const std::string& h = name->ascii();
  if (!pattern.wildcard) return h == pattern.domain;
  // RFC 8461 §4.1: "*.example.com" matches "mx1.example.com" but not "a.b.example.com" or
  // "example.com".
  if (h.size() <= pattern.domain.size() + 1 || !h.ends_with(pattern.domain)) return false;
  const std::size_t cut = h.size() - pattern.domain.size() - 1;
  return h[cut] == '.' && h.find('.') == cut;
}

}  // namespace webshield::records
