#include "records/txt_presentation.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace webshield::records {
namespace {

constexpr std::size_t kMaxCharacterString = 255;  // RFC 1035 §3.3

}  // namespace

Result<TxtRr> parse_txt_presentation(std::string_view line) {
  const auto quote = line.find('"');
  if (quote == std::string_view::npos) return TxtRr{std::string(ascii::trim_wsp(line))};

  // Whatever precedes the first quote must be nothing, or end with the TXT type.
  const std::string_view prefix = ascii::trim_wsp(line.substr(0, quote));
  if (!prefix.empty()
      && !(prefix.size() >= 3 && ascii::iequals(prefix.substr(prefix.size() - 3), "TXT")
           && (prefix.size() == 3 || ascii::is_wsp(prefix[prefix.size() - 4])))) {
    return fail("text before the first '\"' is not an owner, TTL, class and 'TXT'", "byte 0");
  }

  TxtRr rr;
  std::size_t i = quote;
  while (i < line.size()) {
    if (ascii::is_wsp(line[i]) || line[i] == '\r') {
      ++i;
      continue;
    }
    if (line[i] != '"') {
      return fail("expected '\"' to open a character-string", fmt::format("byte {}", i));
    }
    const std::size_t open = i++;
    std::string s;
    bool closed = false;
    while (i < line.size()) {
      const char c = line[i];
      if (c == '"') {
        closed = true;
        ++i;
        break;
      }
      if (c == '\\') {
        if (i + 1 >= line.size()) return fail("'\\' at the end", fmt::format("byte {}", i));
        if (ascii::is_digit(line[i + 1])) {
          const std::string_view ddd = line.substr(i + 1, 3);
          if (ddd.size() != 3 || !ascii::all_of(ddd, ascii::is_digit)) {
            return fail("\\DDD needs three digits", fmt::format("byte {}", i));
          }
          const int value = (ddd[0] - '0') * 100 + (ddd[1] - '0') * 10 + (ddd[2] - '0');
          if (value > 255) return fail("\\DDD over 255", fmt::format("byte {}", i));
          s += static_cast<char>(value);
          i += 4;
        } else {
          s += line[i + 1];
          i += 2;
        }
        continue;
      }
      s += c;
      ++i;
    }
    if (!closed) return fail("unterminated character-string", fmt::format("byte {}", open));
    if (s.size() > kMaxCharacterString) {
      return fail("character-string longer than 255 octets", fmt::format("byte {}", open));
    }
    rr.push_back(std::move(s));
  }
  return rr;
}

Result<std::vector<TxtRr>> parse_txt_rrset(std::string_view text, std::size_t max_records) {
  std::vector<TxtRr> out;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const auto lf = text.find('\n');
    const std::string_view line = ascii::trim_wsp(text.substr(0, lf));
    text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
    const std::string_view content =
        line.ends_with('\r') ? ascii::trim_wsp(line.substr(0, line.size() - 1)) : line;
    if (content.empty() || content.starts_with(';') || content.starts_with('#')) continue;
    if (out.size() == max_records) {
      return fail(fmt::format("more than {} records", max_records), fmt::format("line {}", number));
    }
    auto rr = parse_txt_presentation(content);
    if (!rr) {
      return fail(rr.error().message, fmt::format("line {}, {}", number, rr.error().where));
    }
    out.push_back(std::move(*rr));
  }
  return out;
}

}  // namespace webshield::records
