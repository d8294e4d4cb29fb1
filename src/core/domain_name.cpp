#include "core/domain_name.hpp"

#include <fmt/format.h>
#include <idn2.h>

#include <charconv>
#include <cstdlib>
#include <memory>

#include "core/ascii.hpp"

namespace webshield {
namespace {

constexpr std::size_t kMaxName = 253;
constexpr std::size_t kMaxLabel = 63;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
};
using IdnString = std::unique_ptr<char, FreeDeleter>;

Result<std::string> to_a_labels(const std::string& text) {
  char* out = nullptr;
  const int rc = idn2_to_ascii_8z(text.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  IdnString owned(out);
  if (rc != IDN2_OK)
    return fail(std::string("not a valid internationalised name: ") + idn2_strerror(rc));
  return std::string(owned.get());
}

Result<void> check_label(std::string_view label) {
  if (label.empty()) return fail("empty label");
  if (label.size() > kMaxLabel) return fail("label longer than 63 octets");
  for (char c : label) {
    if (!ascii::is_alnum(c) && c != '-' && c != '_') {
      return fail("character '" + ascii::printable(std::string_view(&c, 1)) + "' in label");
    }
  }
  if (label.front() == '-' || label.back() == '-') return fail("label starts or ends with '-'");
  if (label.starts_with("xn--")) {
    char* out = nullptr;
    const std::string copy(label);
    const int rc = idn2_to_unicode_8z8z(copy.c_str(), &out, 0);
    IdnString owned(out);
    if (rc != IDN2_OK) return fail("invalid A-label '" + copy + "'");
  }
  return {};
}

}  // namespace

Result<DomainName> DomainName::parse(std::string_view text) {
  if (text.size() > 4 * kMaxName) return fail("name too long");
  if (text.ends_with('.')) text.remove_suffix(1);
  if (text.empty()) return fail("empty name");

  std::string ascii_name;
  if (std::ranges::all_of(text, ascii::is_ascii)) {
    ascii_name = ascii::lower(text);
  } else {
    auto converted = to_a_labels(std::string(text));
    if (!converted) return std::unexpected(converted.error());
    ascii_name = ascii::lower(*converted);
  }
  if (ascii_name.size() > kMaxName) return fail("name longer than 253 octets");

  std::string_view rest = ascii_name;
  while (true) {
    const auto dot = rest.find('.');
    if (auto ok = check_label(rest.substr(0, dot)); !ok) {
      return fail(ok.error().message, fmt::format("'{}'", ascii::printable(text)));
    }
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return DomainName(std::move(ascii_name));
}

std::string DomainName::unicode() const {
  char* out = nullptr;
  const int rc = idn2_to_unicode_8z8z(ascii_.c_str(), &out, 0);
  IdnString owned(out);
  if (rc != IDN2_OK || owned == nullptr) return ascii_;
  return std::string(owned.get());
}

std::vector<std::string_view> DomainName::labels() const {
  std::vector<std::string_view> out;
  std::string_view rest = ascii_;
  for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
    out.push_back(rest.substr(0, dot));
    rest.remove_prefix(dot + 1);
  }
  out.push_back(rest);
  return out;
}

bool is_rfc5321_domain(std::string_view text) {
  if (text.empty() || text.size() > kMaxName) return false;
  std::string_view rest = text;
  while (true) {
    const auto dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    // sub-domain = Let-dig [Ldh-str]
    if (label.empty() || label.size() > kMaxLabel) return false;
    if (!ascii::is_alnum(label.front()) || !ascii::is_alnum(label.back())) return false;
    for (char c : label) {
      if (!ascii::is_alnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    rest.remove_prefix(dot + 1);
  }
}

bool is_ipv4_literal(std::string_view text) {
  int parts = 0;
  while (true) {
    const auto dot = text.find('.');
    const std::string_view part = text.substr(0, dot);
    if (part.empty() || part.size() > 3 || !ascii::all_of(part, ascii::is_digit)) return false;
    if (part.size() > 1 && part.front() == '0') return false;
    unsigned value = 0;
    std::from_chars(part.data(), part.data() + part.size(), value);
    if (value > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return parts == 4;
}

}  // namespace webshield
