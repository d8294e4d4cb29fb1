#include "ingest/imap_response.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "core/ascii.hpp"

namespace webshield::ingest {
namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (ascii::to_lower(s[i]) != ascii::to_lower(prefix[i])) return false;
  return true;
}

// Calls `each(line, number)` for every line without its CRLF; stops at the first error.
template <class Each>
Result<void> for_each_line(std::string_view text, const Limits& limits, Each each) {
  if (text.size() > limits.imap_response_bytes) {
    return fail(fmt::format("response of {} bytes, over the limit imap_response_bytes ({})",
                            text.size(), limits.imap_response_bytes));
  }
  std::size_t number = 0;
  while (!text.empty()) {
    const auto lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    ++number;
    if (auto r = each(line, number); !r) return r;
  }
  return {};
}

// RFC 3501 §9: nz-number = digit-nz *DIGIT, and a number fits in 32 bits.
Result<std::uint32_t> nz_number(std::string_view digits) {
  if (digits.empty() || digits.front() == '0' || digits.size() > 10) {
    return fail(fmt::format("\"{}\" is not a UID (1 to 4294967295)", digits.substr(0, 16)));
  }
  std::uint64_t n = 0;
  for (char c : digits) {
    if (!ascii::is_digit(c)) {
      return fail(fmt::format("\"{}\" is not a UID (1 to 4294967295)", digits.substr(0, 16)));
    }
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (n > 0xffffffffULL) return fail(fmt::format("UID {} is over 4294967295", n));
  return static_cast<std::uint32_t>(n);
}

}  // namespace

Result<SearchResult> parse_search(std::string_view lines, const Limits& limits) {
  SearchResult out;
  auto r = for_each_line(lines, limits, [&](std::string_view line, std::size_t n) -> Result<void> {
    if (!starts_with_nocase(line, "* SEARCH")) return {};
    std::string_view rest = line.substr(8);
    if (!rest.empty() && rest.front() != ' ') return {};  // "* SEARCHX": not ours
    std::size_t at = 8;
    while (!rest.empty()) {
      const auto start = rest.find_first_not_of(' ');
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      at += start;
      const auto end = std::min(rest.find(' '), rest.size());
      auto uid = nz_number(rest.substr(0, end));
      if (!uid) return fail(uid.error().message, fmt::format("line {}, byte {}", n, at));
      out.uids.push_back(*uid);  // bounded by imap_response_bytes
      rest.remove_prefix(end);
      at += end;
    }
    return {};
  });
  if (!r) return std::unexpected(r.error());
  std::ranges::sort(out.uids);
  const auto [first, last] = std::ranges::unique(out.uids);
  out.uids.erase(first, last);
  if (out.uids.size() > limits.imap_search_uids) {
    out.uids.resize(limits.imap_search_uids);  // the lowest first; the rest come next time
    out.truncated = true;
  }
  return out;
}

Result<std::uint32_t> parse_uidvalidity(std::string_view lines, const Limits& limits) {
  std::optional<std::uint32_t> found;
  auto r = for_each_line(lines, limits, [&](std::string_view line, std::size_t n) -> Result<void> {
    static constexpr std::string_view kCode = "* OK [UIDVALIDITY ";
    if (found || !starts_with_nocase(line, kCode)) return {};
    const std::string_view rest = line.substr(kCode.size());
    const auto end = rest.find(']');
    if (end == std::string_view::npos) {
      return fail("UIDVALIDITY response code without ']'", fmt::format("line {}", n));
    }
    auto v = nz_number(rest.substr(0, end));
    if (!v) return fail(v.error().message, fmt::format("line {}, byte {}", n, kCode.size()));
    found = *v;
    return {};
  });
  if (!r) return std::unexpected(r.error());
  if (!found) return fail("no UIDVALIDITY in the response to SELECT/EXAMINE");
  return *found;
}

Result<Capabilities> parse_capabilities(std::string_view lines, const Limits& limits) {
  Capabilities out;
  auto r = for_each_line(lines, limits, [&](std::string_view line, std::size_t) -> Result<void> {
    if (!starts_with_nocase(line, "* CAPABILITY ")) return {};
    std::string_view rest = line.substr(13);
    while (!rest.empty()) {
      const auto end = std::min(rest.find(' '), rest.size());
      const std::string word = ascii::lower(rest.substr(0, end));
      if (word == "move") out.move = true;
      if (word == "uidplus") out.uidplus = true;
      rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    return {};
  });
  if (!r) return std::unexpected(r.error());
  return out;
}

}  // namespace webshield::ingest
