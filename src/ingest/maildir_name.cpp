#include "ingest/maildir_name.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/ascii.hpp"

namespace webshield::ingest {

Result<MaildirName> parse_maildir_name(std::string_view name, const Limits& limits) {
  if (name.empty()) return fail("empty file name");
  if (name.size() > limits.maildir_name_bytes) {
    return fail(fmt::format("file name of {} bytes, over the limit maildir_name_bytes ({})",
                            name.size(), limits.maildir_name_bytes));
  }
  if (name.front() == '.') return fail("starts with '.': not a message", "byte 0");
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == '/' || c < 0x20 || c == 0x7f) {
      return fail("'/' or a control character in the name", fmt::format("byte {}", i));
    }
  }
  MaildirName out;
  const auto colon = name.find(':');
  out.unique = name.substr(0, colon);
  if (out.unique.empty()) return fail("no unique part before ':'", "byte 0");
  if (colon == std::string_view::npos) return out;
  const std::string_view info = name.substr(colon + 1);
  // "2," introduces flags; "1," (experimental semantics) and anything else is not ours to edit.
  if (!info.starts_with("2,")) {
    return fail("info part is not \":2,\" followed by flags", fmt::format("byte {}", colon));
  }
  out.has_info = true;
  out.flags = info.substr(2);
  for (std::size_t i = 0; i < out.flags.size(); ++i) {
    if (!ascii::is_alpha(out.flags[i])) {
      return fail("a flag is not an ASCII letter", fmt::format("byte {}", colon + 3 + i));
    }
  }
  return out;
}

std::string with_flag(std::string_view name, char flag) {
  const auto colon = name.find(':');
  std::string flags =
      colon == std::string_view::npos ? std::string() : std::string(name.substr(colon + 3));
  if (flags.find(flag) == std::string::npos) flags.push_back(flag);
  // The maildir specification: flags must be stored in ASCII order.
  std::ranges::sort(flags);
  flags.erase(std::unique(flags.begin(), flags.end()), flags.end());
  return fmt::format("{}:2,{}", name.substr(0, colon), flags);
}

}  // namespace webshield::ingest
