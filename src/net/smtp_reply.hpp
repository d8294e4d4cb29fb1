// One line of an SMTP reply (RFC 5321 §4.2): three digits, then '-' (more lines follow) or
// ' ' / end of line (the last line), then text. Pure; untrusted input.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webshield::net {

struct ReplyLine {
  int code = 0;
  bool last = true;
  std::string_view text;
};

// `line` is without its CRLF.
Result<ReplyLine> parse_reply_line(std::string_view line);

}  // namespace webshield::net
