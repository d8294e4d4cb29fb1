#include "net/smtp_reply.hpp"

#include "core/ascii.hpp"

namespace webshield::net {

Result<ReplyLine> parse_reply_line(std::string_view line) {
  if (line.size() < 3 || !ascii::all_of(line.substr(0, 3), ascii::is_digit)) {
    return fail("reply line does not start with a three-digit code", ascii::printable(line));
  }
  ReplyLine out;
  out.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (out.code < 200 || out.code > 599)
    return fail("reply code out of range", ascii::printable(line));
  if (line.size() == 3) return out;
  if (line[3] != ' ' && line[3] != '-') {
    return fail("no ' ' or '-' after the reply code", ascii::printable(line));
  }
  out.last = line[3] == ' ';
  out.text = line.substr(4);
  return out;
}

}  // namespace webshield::net
