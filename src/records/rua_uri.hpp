// TLS-RPT reporting destinations (RFC 8460 §3 `tlsrpt-uri`): `mailto:` URIs (RFC 6068, with
// RFC 5321 mailboxes) and `https:` URIs (RFC 3986, RFC 9110 §4.2.2). Pure; untrusted input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.hpp"
#include "records/mailbox.hpp"
#include "records/recognized.hpp"

namespace webshield::records {

enum class RuaScheme { mailto, https, other };

std::string_view to_string(RuaScheme scheme);

struct MailtoUri {
  std::vector<Mailbox> to;  // usually one; RFC 6068 allows several (%2C-separated)
  std::string hfields;      // after '?', reporters ignore it

  bool operator==(const MailtoUri&) const = default;
};

struct HttpsUri {
  std::string host;  // lower-case name without the trailing dot, or an IP literal
  std::uint16_t port = 443;
  std::string path;  // path and query as written, "/" when empty
  bool ip_literal = false;

  bool operator==(const HttpsUri&) const = default;
};

struct RuaUri {
  std::string text;  // as written in the record
  RuaScheme scheme = RuaScheme::other;
  std::optional<MailtoUri> mailto;
  std::optional<HttpsUri> https;

  bool operator==(const RuaUri&) const = default;
};

template <class T>
struct UriParse {
  Recognized kind = Recognized::no;
  std::optional<T> value;
  Findings findings;
};

// `offset` is where the URI starts in its record, for the messages.
UriParse<MailtoUri> parse_mailto_uri(std::string_view text, std::size_t offset = 0);
UriParse<HttpsUri> parse_https_uri(std::string_view text, std::size_t offset = 0);

// One rua destination of any scheme: mailto and https are judged, anything else is
// `tlsrpt.rua_scheme_unsupported`. `kind` is `yes` when a reporter can use the destination.
UriParse<RuaUri> parse_rua_uri(std::string_view text, std::size_t offset = 0);

}  // namespace webshield::records
