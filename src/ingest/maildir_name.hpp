// Maildir file names (D. J. Bernstein's maildir format; Dovecot and Courier use the same
// info part): "unique[:2,FLAGS]". FLAGS are single ASCII letters in ASCII order; "S" is
// seen. Pure: the names come from a directory other programs write into.
#pragma once

#include <string>
#include <string_view>

#include "core/limits.hpp"
#include "core/result.hpp"

namespace webshield::ingest {

struct MaildirName {
  std::string_view unique;  // before the ':'
  bool has_info = false;    // ":2," is present
  std::string_view flags;   // the letters after ":2,"

  bool has_flag(char flag) const { return flags.find(flag) != std::string_view::npos; }
  bool seen() const { return has_flag('S'); }
};

// Refuses what is not a message file: empty, over Limits::maildir_name_bytes, starting with
// '.', holding '/' or a control character, or an info part other than ":2," + letters.
Result<MaildirName> parse_maildir_name(std::string_view name, const Limits& limits = {});

// The name with `flag` added (flags kept in ASCII order, ":2," appended when missing).
// `name` must have parsed.
std::string with_flag(std::string_view name, char flag);

}  // namespace webshield::ingest
