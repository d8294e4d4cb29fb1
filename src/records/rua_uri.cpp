#include "records/rua_uri.hpp"

#include <fmt/format.h>

#include <charconv>

#include "core/ascii.hpp"
#include "core/domain_name.hpp"
#include "core/ip_address.hpp"

namespace webshield::records {
namespace {

constexpr std::string_view kRef = "RFC 8460 §3";

// RFC 3986 §2: unreserved, reserved and '%' (escapes are checked separately).
bool is_uri_char(char c) {
  return ascii::is_alnum(c)
         || std::string_view("-._~:/?#[]@!$&'()*+,;=%").find(c) != std::string_view::npos;
}

// The scheme of `text` (RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"), or
// an empty view when there is none.
std::string_view scheme_of(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || !ascii::is_alpha(text.front())) return {};
  for (char c : text.substr(0, colon)) {
    if (!ascii::is_alnum(c) && c != '+' && c != '-' && c != '.') return {};
  }
  return text.substr(0, colon);
}

// Decodes %HH escapes; an error names the first bad escape.
Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !ascii::is_hex(text[i + 1]) || !ascii::is_hex(text[i + 2])) {
      return fail("invalid %-escape", fmt::format("character {}", i));
    }
    unsigned value = 0;
    std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

// The first character outside the URI character set, if any.
std::optional<std::size_t> first_non_uri_char(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_uri_char(text[i])) return i;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(RuaScheme scheme) {
  switch (scheme) {
    case RuaScheme::mailto:
      return "mailto";
    case RuaScheme::https:
      return "https";
    case RuaScheme::other:
      return "other";
  }
  return "other";
}

UriParse<MailtoUri> parse_mailto_uri(std::string_view text, std::size_t offset) {
  UriParse<MailtoUri> out;
  if (!ascii::iequals(scheme_of(text), "mailto")) return out;
  out.kind = Recognized::malformed;
  auto invalid = [&](const std::string& why) {
    out.findings.push_back({"tlsrpt.rua_mailto_invalid", Severity::error,
                            fmt::format("byte {}: mailto URI '{}' is not a valid address: {}",
                                        offset, ascii::printable(text), why),
                            std::string(kRef) + ", RFC 6068, RFC 5321 §4.1.2", std::string(text)});
    return out;
  };
  if (auto bad = first_non_uri_char(text)) {
    return invalid(fmt::format("character '{}' must be percent-encoded",
                               ascii::printable(text.substr(*bad, 1))));
  }
  std::string_view rest = text.substr(7);  // after "mailto:"
  MailtoUri uri;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    uri.hfields = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (rest.empty()) return invalid("no address");
  auto decoded = percent_decode(rest);
  if (!decoded) return invalid(decoded.error().describe());

  std::string_view addresses = *decoded;
  while (true) {
    const auto comma = addresses.find(',');
    auto box = parse_mailbox(addresses.substr(0, comma));
    if (!box) return invalid(box.error().describe());
    uri.to.push_back(std::move(*box));
    if (comma == std::string_view::npos) break;
    addresses.remove_prefix(comma + 1);
  }
  if (!uri.hfields.empty()) {
    out.findings.push_back(
        {"tlsrpt.rua_mailto_hfields", Severity::warning,
         fmt::format("byte {}: mailto URI carries header fields '?{}': reporters set their own "
                     "headers and may reject the URI",
                     offset, ascii::printable(uri.hfields)),
         std::string(kRef), std::string(text)});
  }
  out.kind = Recognized::yes;
  out.value = std::move(uri);
  return out;
}

UriParse<HttpsUri> parse_https_uri(std::string_view text, std::size_t offset) {
  UriParse<HttpsUri> out;
  if (!ascii::iequals(scheme_of(text), "https")) return out;
  out.kind = Recognized::malformed;
  auto invalid = [&](const std::string& why) {
    out.findings.push_back({"tlsrpt.rua_https_invalid", Severity::error,
                            fmt::format("byte {}: https URI '{}' is not usable: {}", offset,
                                        ascii::printable(text), why),
                            std::string(kRef) + ", RFC 3986 §3", std::string(text)});
    return out;
  };
  if (auto bad = first_non_uri_char(text)) {
    return invalid(fmt::format("character '{}' must be percent-encoded",
                               ascii::printable(text.substr(*bad, 1))));
  }
  std::string_view rest = text.substr(6);  // after "https:"
  if (!rest.starts_with("//")) return invalid("no '//' and host after 'https:'");
  rest.remove_prefix(2);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  const std::string_view path =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return invalid("user information ('user@') is not allowed (RFC 9110 §4.2.4)");
  }

  HttpsUri uri;
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid("unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return invalid("text after the IPv6 literal");
    if (after == ":") return invalid("empty port after ':'");
    if (!after.empty()) port = after.substr(1);
    if (!parse_ipv6(host)) return invalid("invalid IPv6 literal");
    uri.ip_literal = true;
    uri.host = ascii::lower(host);
  } else {
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return invalid("empty port after ':'");
    }
    if (host.empty()) return invalid("no host");
    if (is_ipv4_literal(host)) {
      uri.ip_literal = true;
      uri.host = std::string(host);
    } else {
      auto name = DomainName::parse(host);
      if (!name) return invalid("host: " + name.error().describe());
      uri.host = name->ascii();
    }
  }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      return invalid(fmt::format("bad port '{}'", ascii::printable(port)));
    }
    uri.port = static_cast<std::uint16_t>(value);
  }
  if (auto decoded = percent_decode(path); !decoded) {
    return invalid("path: " + decoded.error().describe());
  }
  uri.path = path.starts_with('/') ? std::string(path) : fmt::format("/{}", path);
  out.kind = Recognized::yes;
  out.value = std::move(uri);
  return out;
}

UriParse<RuaUri> parse_rua_uri(std::string_view text, std::size_t offset) {
  UriParse<RuaUri> out;
  out.value = RuaUri{std::string(text), RuaScheme::other, std::nullopt, std::nullopt};
  const std::string_view scheme = scheme_of(text);

  auto check_case = [&](std::string_view expected) {
    if (scheme != expected) {
      out.findings.push_back(
          {"tlsrpt.rua_scheme_case", Severity::warning,
           fmt::format("byte {}: scheme '{}:' is legal, but some reporters compare it "
                       "case-sensitively: write '{}:'",
                       offset, ascii::printable(scheme), expected),
           "RFC 3986 §3.1", std::string(text)});
    }
  };
  auto take = [&](auto parsed, auto member) {
    out.findings.insert(out.findings.end(), parsed.findings.begin(), parsed.findings.end());
    out.kind = parsed.kind;
    (*out.value).*member = std::move(parsed.value);
  };

  if (ascii::iequals(scheme, "mailto")) {
    out.value->scheme = RuaScheme::mailto;
    check_case("mailto");
    take(parse_mailto_uri(text, offset), &RuaUri::mailto);
  } else if (ascii::iequals(scheme, "https")) {
    out.value->scheme = RuaScheme::https;
    check_case("https");
    take(parse_https_uri(text, offset), &RuaUri::https);
  } else {
    out.kind = Recognized::malformed;
    const std::string why =
        scheme.empty() ? "it has no scheme"
                       : fmt::format("scheme '{}:' is not supported", ascii::printable(scheme));
    out.findings.push_back(
        {"tlsrpt.rua_scheme_unsupported", Severity::error,
         fmt::format("byte {}: destination '{}' is unusable: {}; reporters send only to "
                     "'mailto:' and 'https:'",
                     offset, ascii::printable(text), why),
         std::string(kRef), std::string(text)});
  }
  return out;
}

}  // namespace webshield::records
