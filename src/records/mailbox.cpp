#include "records/mailbox.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/domain_name.hpp"
#include "core/ip_address.hpp"

namespace webshield::records {
namespace {

constexpr std::size_t kMaxLocalPart = 64;  // RFC 5321 §4.5.3.1.1
constexpr std::size_t kMaxDomain = 255;    // RFC 5321 §4.5.3.1.2

// atext of RFC 5322 §3.2.3, used by RFC 5321's Atom.
bool is_atext(char c) {
  return ascii::is_alnum(c)
         || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// Returns the length of the local part at the start of `text`, or an error.
Result<std::size_t> local_part_length(std::string_view text) {
  if (text.empty()) return fail("empty local part");
  if (text.front() == '"') {
    // Quoted-string = DQUOTE *QcontentSMTP DQUOTE
    for (std::size_t i = 1; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '"') return i + 1;
      if (c == '\\') {
        if (i + 1 >= text.size() || text[i + 1] < 32 || text[i + 1] > 126) {
          return fail("bad quoted pair in the local part");
        }
        ++i;
      } else if (c < 32 || c > 126) {
        return fail("character not allowed in a quoted local part");
      }
    }
    return fail("unterminated quoted local part");
  }
  // Dot-string = Atom *("." Atom)
  std::size_t i = 0;
  bool atom_started = false;
  for (; i < text.size() && text[i] != '@'; ++i) {
    const char c = text[i];
    if (c == '.') {
      if (!atom_started) return fail("empty atom in the local part ('.' at the start or '..')");
      atom_started = false;
    } else if (is_atext(c)) {
      atom_started = true;
    } else {
      return fail("character '" + ascii::printable(std::string_view(&c, 1))
                  + "' not allowed in the local part");
    }
  }
  if (!atom_started) return fail("local part ends with '.' or is empty");
  return i;
}

Result<void> check_address_literal(std::string_view inner) {
  if (inner.starts_with("IPv6:")) {
    if (parse_ipv6(inner.substr(5))) return {};
    return fail("invalid IPv6 address literal");
  }
  if (is_ipv4_literal(inner)) return {};
  return fail("address literal is neither an IPv4 address nor IPv6:<address>");
}

}  // namespace

Result<Mailbox> parse_mailbox(std::string_view text) {
  if (!std::ranges::all_of(text, ascii::is_ascii)) {
    return fail("non-ASCII characters (an internationalised address needs SMTPUTF8)");
  }
  auto local_len = local_part_length(text);
  if (!local_len) return std::unexpected(local_len.error());
  if (*local_len > kMaxLocalPart) return fail("local part longer than 64 octets");
  if (*local_len >= text.size() || text[*local_len] != '@')
    return fail("no '@' after the local part");

  Mailbox box;
  box.local_part = std::string(text.substr(0, *local_len));
  const std::string_view domain = text.substr(*local_len + 1);
  if (domain.empty()) return fail("no domain after '@'");
  if (domain.size() > kMaxDomain) return fail("domain longer than 255 octets");
  if (domain.front() == '[') {
    if (domain.back() != ']') return fail("unterminated address literal");
    if (auto ok = check_address_literal(domain.substr(1, domain.size() - 2)); !ok) {
      return std::unexpected(ok.error());
    }
    box.address_literal = true;
    box.domain = std::string(domain);
    return box;
  }
  if (!is_rfc5321_domain(domain)) {
    return fail(
        fmt::format("'{}' is not a domain name (RFC 5321 Domain)", ascii::printable(domain)));
  }
  box.domain = ascii::lower(domain);
  return box;
}

}  // namespace webshield::records
